"""The web application: the FastAPI factory, layout templates, static assets, access helpers and lists."""
