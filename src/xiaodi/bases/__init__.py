"""Bases (12大基地): base types, the bases built with universities, 1+1+N pairings, plaques and activity."""
