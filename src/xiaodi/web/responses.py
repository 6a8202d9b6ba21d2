"""Responses every area may answer with (the web kit): an Excel download with a Chinese file name."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response


def xlsx_response(data: bytes, filename: str) -> Response:
    """An Excel download whose Chinese file name survives every browser (RFC 5987)."""
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


__all__ = ["xlsx_response"]
