"""Traces, with OpenTelemetry: a span for each saga, each attempt of a step and each attempt of a
compensation (the saga id, the step, the attempt and its outcome as attributes), continued by
remote participants, which the W3C `traceparent` header reaches.

A saga's trace context is stored with the saga (`sagas.trace_context`), so a saga resumed after
a restart goes on in the same trace: one saga reads as one trace in Jaeger or Tempo.

Nothing is exported by default, and then no span is even made (a flag, checked before each:
asking OpenTelemetry's API which provider is installed reads the environment every time).
`configure_tracing` sets up OTLP over HTTP when the standard `OTEL_EXPORTER_OTLP_ENDPOINT` is
set; a test installs a provider of its own with `use`.
"""

import os

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import TracerProvider

TRACER = trace.get_tracer("saga_demo")
TRACEPARENT = "traceparent"
_installed: list[TracerProvider] = []


def enabled() -> bool:
    """Whether spans are recorded (a tracer provider was installed through `use`)."""
    return bool(_installed)


def use(provider: TracerProvider) -> None:
    """Record spans with this provider (OpenTelemetry's global: the first one set stays)."""
    trace.set_tracer_provider(provider)
    _installed.append(provider)


def current_traceparent() -> str | None:
    """The current span's context as a W3C `traceparent` value, to store or send."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get(TRACEPARENT)


def context_of(traceparent: str | None) -> otel_context.Context | None:
    """The context a stored `traceparent` names (None: no parent)."""
    if traceparent is None:
        return None
    return propagate.extract({TRACEPARENT: traceparent})


def configure_tracing(service_name: str) -> None:
    """Export spans over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` says where; else nothing."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or enabled():
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = SdkTracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    use(provider)
