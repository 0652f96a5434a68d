"""Alerts in (Alertmanager webhook v4 and generic JSON, authenticated by the source's token) and RMM asset sync."""

import threading
from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle
from pydantic import AwareDatetime, Field

from bspos.assets.models import AssetType
from bspos.core.api import Id, Pages, Problem, staff_read, staff_write, text
from bspos.core.filters import api_filter, query_schema
from bspos.core.permissions import Can
from bspos.intake import services
from bspos.intake.filters import AlertFilter
from bspos.intake.models import Alert, AlertSource

router = Router(tags=["intake"])
MAX_BATCH = 1000


class SourceToken(HttpBearer):
    """The alert source's own token (`Authorization: Bearer bsa_…`), not a user's."""

    def authenticate(self, request: HttpRequest, token: str):
        source = services.authenticate_source(token)
        if source is not None:
            request.alert_source = source
        return source


class SourceRateLimit(BaseThrottle):
    """Each alert source's own token bucket, in the database so every worker process shares it
    (services.take_request_token); over it, django-ninja answers 429 with Retry-After before the body is read."""

    def __init__(self) -> None:
        self._waits = threading.local()  # one throttle serves every thread of the process

    def allow_request(self, request: HttpRequest) -> bool:
        self._waits.seconds = services.take_request_token(source=request.alert_source)
        return self._waits.seconds is None

    def wait(self) -> float | None:
        return getattr(self._waits, "seconds", None)


Labels = dict[text(200), text(4000)]


class AmAlert(Schema):
    status: Literal["firing", "resolved"]
    labels: Labels
    annotations: Labels = {}
    startsAt: AwareDatetime | None = None  # noqa: N815 (Alertmanager's field names)
    endsAt: AwareDatetime | None = None  # noqa: N815
    generatorURL: text(2000) = ""  # noqa: N815
    fingerprint: text(200, min_length=1)


class AlertmanagerIn(Schema):
    version: Literal["4"]
    groupKey: text(4000) = ""  # noqa: N815
    truncatedAlerts: int = Field(0, ge=0)  # noqa: N815
    status: Literal["firing", "resolved"]
    receiver: text(200)
    groupLabels: Labels = {}  # noqa: N815
    commonLabels: Labels = {}  # noqa: N815
    commonAnnotations: Labels = {}  # noqa: N815
    externalURL: text(2000) = ""  # noqa: N815
    alerts: list[AmAlert] = Field(..., max_length=MAX_BATCH)


class GenericAlert(Schema):
    source: text(100) = Field("", description="Informational: the sending system, e.g. “tactical”.")
    key: text(200, min_length=1) = Field(..., description="Deduplication key: the same problem, the same key.")
    status: Literal["firing", "resolved"] = "firing"
    severity: text(40) = ""
    host: text(200) = Field("", description="Host name (matched to an asset's name).")
    device_id: text(100) = Field("", description="The RMM's device/agent id (matched to an asset's RMM id).")
    title: text(250, min_length=1)
    details: text(20000) = ""
    url: text(500) = ""
    time: AwareDatetime | None = None


class GenericBatch(Schema):
    alerts: list[GenericAlert] = Field(..., min_length=1, max_length=MAX_BATCH)


class AcceptedOut(Schema):
    index: int
    key: str
    alert_id: int
    action: Literal["opened", "repeat", "resolved", "reopened", "refired", "unassigned", "recorded"]
    ticket: int | None


class RejectedOut(Schema):
    index: int
    key: str
    errors: dict[str, list[str]]


class IntakeOut(Schema):
    accepted: list[AcceptedOut]
    rejected: list[RejectedOut]


def _from_alertmanager(alert: AmAlert, common: dict) -> services.Incoming:
    labels, notes = {**common, **alert.labels}, alert.annotations
    title = notes.get("summary") or labels.get("alertname") or ""
    details = notes.get("description") or notes.get("message") or ""
    hosts = [labels.get(name, "") for name in ("rmm_id", "instance", "host", "hostname", "nodename")]
    at = alert.endsAt if alert.status == "resolved" and alert.endsAt and alert.endsAt.year > 1 else None
    return services.Incoming(fingerprint=alert.fingerprint, state=alert.status, title=title,
                             severity=labels.get("severity", ""), details=details, hosts=[h for h in hosts if h],
                             labels=labels, link=alert.generatorURL, started_at=alert.startsAt, at=at)


def _from_generic(alert: GenericAlert) -> services.Incoming:
    labels = {"source": alert.source} if alert.source else {}
    return services.Incoming(fingerprint=alert.key, state=alert.status, title=alert.title, severity=alert.severity,
                             details=alert.details, hosts=[h for h in (alert.device_id, alert.host) if h],
                             labels=labels, link=alert.url, at=alert.time)


def _apply(source: AlertSource, items: list[tuple[str, services.Incoming]]):
    accepted, rejected = [], []
    results = services.receive_batch(source=source, incoming=[incoming for _, incoming in items])
    for index, ((key, _), result) in enumerate(zip(items, results, strict=True)):
        if isinstance(result, ValidationError):
            errors = result.message_dict if hasattr(result, "error_dict") else {"__all__": result.messages}
            rejected.append({"index": index, "key": key, "errors": errors})
        else:
            accepted.append({"index": index, "key": key, "alert_id": result.alert_id, "action": result.action,
                             "ticket": result.ticket})
    return Status(200 if accepted or not rejected else 422, {"accepted": accepted, "rejected": rejected})


@router.post("/alerts/alertmanager", auth=SourceToken(), throttle=SourceRateLimit(),
             response={200: IntakeOut, 422: IntakeOut | Problem, 429: Problem},
             summary="Receive a Prometheus Alertmanager webhook (version 4)")
def alertmanager(request, payload: AlertmanagerIn):
    """Point an Alertmanager `webhook_configs` receiver here with `http_config.authorization.credentials` set to
    the source's token. Each alert is applied on its own; the answer lists the accepted and rejected ones."""
    source = request.alert_source
    items = [(a.fingerprint, _from_alertmanager(a, payload.commonLabels)) for a in payload.alerts]
    return _apply(source, items)


@router.post("/alerts", auth=SourceToken(), throttle=SourceRateLimit(),
             response={200: IntakeOut, 422: IntakeOut | Problem, 429: Problem},
             summary="Receive one alert or a batch in the generic JSON format")
def generic(request, payload: GenericBatch | GenericAlert):
    """One alert (an object with `key`, `title`, …) or a batch `{"alerts": [ … ]}`, from any RMM or script."""
    source = request.alert_source
    alerts = payload.alerts if isinstance(payload, GenericBatch) else [payload]
    return _apply(source, [(a.key, _from_generic(a)) for a in alerts])


class AlertOut(Schema):
    id: int
    source_id: int
    fingerprint: str
    state: str
    severity: str
    title: str
    host: str
    client_id: int | None
    asset_id: int | None
    ticket_number: int | None
    count: int
    fire_count: int
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None

    @staticmethod
    def resolve_ticket_number(alert: Alert) -> int | None:
        return alert.ticket.number if alert.ticket_id else None


AlertQuery = query_schema(AlertFilter)


@router.get("/alerts", response=list[AlertOut], summary="List received alerts (staff)")
@paginate(Pages)
def list_alerts(request, filters: Query[AlertQuery]):
    """The alerts page's filters: `q`, `state`, `unassigned` (true: the unassigned queue), `source`, `client`."""
    staff_read(request)
    alerts = Alert.objects.visible_to(request.user).select_related("ticket").order_by("-last_seen", "-id")
    return api_filter(AlertFilter, request, alerts)


# --- RMM asset sync --------------------------------------------------------------------------------------------


class SyncAsset(Schema):
    rmm_id: text(100, min_length=1)
    hostname: text(200, min_length=1)
    asset_type: AssetType = AssetType.OTHER
    operating_system: text(100) = ""
    serial_number: text(100) = ""
    manufacturer: text(100) = ""
    model: text(100) = ""
    last_seen: AwareDatetime | None = None
    client_id: Id | None = None
    client: text(200) = Field("", description="The client's name (exact, any case) when client_id is not known.")


class SyncIn(Schema):
    assets: Annotated[list[SyncAsset], Field(min_length=1, max_length=5000)]


class SyncOut(Schema):
    created: list[str]
    updated: list[str]
    rejected: list[RejectedOut]
    marked_stale: int


@router.post("/assets/sync", response={200: SyncOut, 422: SyncOut | Problem},
             summary="Upsert assets from the RMM by RMM id; mark those not seen for N days stale")
def sync_assets(request, payload: SyncIn):
    staff_write(request, Can.CLIENTS_WRITE)
    created, updated, rejected = [], [], []
    for index, row in enumerate(payload.assets):
        data = row.dict()
        data["client_name"] = data.pop("client")
        try:
            asset, was_created = services.sync_asset(services.SyncRow(**data))
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            rejected.append({"index": index, "key": row.rmm_id, "errors": errors})
            continue
        (created if was_created else updated).append(asset.rmm_id)
    body = {"created": created, "updated": updated, "rejected": rejected, "marked_stale": services.mark_stale()}
    return Status(200 if created or updated or not rejected else 422, body)
