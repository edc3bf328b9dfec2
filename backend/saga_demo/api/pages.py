"""The built front end: the dashboard at `/` (deep links under `/ui/`) and its assets.

Everything is served from the app itself: nothing at run time comes from a CDN.
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

    @router.get("/")
    @router.get("/ui/{deep_link:path}")
    async def dashboard(session_id: SessionDep) -> FileResponse:
        return page(frontend_dir, "index.html")

    app.include_router(router)
    app.mount(
        "/assets",
        StaticFiles(directory=frontend_dir / "assets", check_dir=False),
        name="assets",
    )
