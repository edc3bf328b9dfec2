"""The open-files limit the fan-out needs: a socket per subscriber here, and as many in the
bench's own server, which inherits the limit when it is spawned after this is raised."""

import resource

from .options import UsageError

MARGIN = 1024


def raise_open_files(sockets: int) -> int:
    """Raise the soft limit to fit `sockets` and a margin; the limit now. UsageError when the
    hard limit is too low."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = sockets + MARGIN
    if soft != resource.RLIM_INFINITY and soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            raise UsageError(
                f"{sockets} subscribers need {wanted} open files, the hard limit is {hard}: "
                "raise it (ulimit -Hn) or lower --subscribers"
            )
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return soft
