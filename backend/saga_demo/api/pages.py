"""The built front end: the dashboard at `/` (deep links under `/ui/`), Swagger UI at `/docs`,
and their assets.

Everything is served from the app itself: nothing at run time comes from a CDN. Pages answer
HEAD as they answer GET, without the body.
"""

from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from .sessions import SessionDep


def page(frontend_dir: Path, name: str) -> FileResponse:
    """A built HTML page; 503 with a hint if the front end has not been built."""
    path = frontend_dir / name
    if not path.is_file():
        raise HTTPException(503, f"The front end is not built ({path} is missing): run `make run`.")
    return FileResponse(path, headers={"cache-control": "no-cache"})


def mount_pages(app: FastAPI, frontend_dir: Path) -> None:
    """Serve the dashboard and the built assets."""
    router = APIRouter(include_in_schema=False)

    @router.api_route("/", methods=["GET", "HEAD"])
    @router.api_route("/ui/{deep_link:path}", methods=["GET", "HEAD"])
    async def dashboard(session_id: SessionDep) -> FileResponse:
        return page(frontend_dir, "index.html")

    @router.api_route("/docs", methods=["GET", "HEAD"])
    async def swagger_ui() -> FileResponse:
        """The REST endpoints' OpenAPI document, in Swagger UI (bundled: see frontend/docs.html)."""
        return page(frontend_dir, "docs.html")

    app.include_router(router)
    app.mount(
        "/assets",
        StaticFiles(directory=frontend_dir / "assets", check_dir=False),
        name="assets",
    )
