"""The directory (名录): regions, organisations (universities, institutes, enterprises, government units), people."""
