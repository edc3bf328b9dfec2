"""The cyclic garbage collector, tuned once a process has started (the server, the bench's
in-process saga loop)."""

import gc

GC_THRESHOLDS = (20_000, 50, 50)
"""The collector's thresholds once started (CPython's are 700, 10, 10). A saga allocates a few
thousand short-lived objects, nearly all freed by reference counting, so the default starts a
young collection several times per saga for next to nothing: about 5 % of a saga's CPU, measured
alternately. What is held for long (sessions, subscriptions) is collected all the same."""


def settle_the_collector() -> None:
    """What start-up made (modules, the GraphQL schema, the routes: some 80,000 objects) lives as
    long as the process: move it out of the collector's sight, so that its full collections,
    which otherwise walk it all each time, cost next to nothing; then collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
