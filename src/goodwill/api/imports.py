"""Imports over HTTP: the same files and rules as `goodwill import`, for systems holding the integration role."""

from __future__ import annotations

import tempfile
from pathlib import PurePath
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from goodwill.api import feedback
from goodwill.api.deps import IntegrationDep, SessionDep
from goodwill.errors import InvalidInput
from goodwill.imports import service as imports
from goodwill.imports.reader import FORMATS, format_for
from goodwill.imports.rows import ImportKind, columns

router = APIRouter(prefix="/imports", tags=["imports"])

# At most this many rejections are listed in a response; `rejected_rows` always gives the total.
MAX_LISTED = 1000
_SPOOL_BYTES = 16 * 1024 * 1024


class RejectionRead(BaseModel):
    line: int
    field: str
    reason: str


class ImportReportRead(BaseModel):
    """What an import did. Counts are of records: a booking (PNR) is one record however many rows it has."""

    kind: ImportKind
    source: str
    rows_total: int
    created: int
    updated: int
    unchanged: int
    stale: int
    rejected_rows: int
    rejected: list[RejectionRead]
    rejected_listed_all: bool
    details: dict[str, int]
    elapsed: float
    sha256: str
    run_id: str


def _body_schema() -> dict[str, Any]:
    text = {"schema": {"type": "string"}}
    return {
        "requestBody": {
            "required": True,
            "description": "The file: CSV (text/csv) or JSON Lines (application/x-ndjson), or a multipart upload "
            "in the field `file`. Columns per kind: docs/IMPORT_FORMATS.md and "
            + "; ".join(f"{k.value}: {', '.join(n for n, _r, _d in columns(k))}" for k in ImportKind),
            "content": {
                "text/csv": text,
                "application/x-ndjson": text,
                "application/jsonl": text,
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
            },
        }
    }


async def _receive(request: Request, fmt: str | None) -> tuple[BinaryIO, str, str]:
    """The uploaded file as a readable stream, with its name and format."""
    media_type = request.headers.get("content-type", "")
    if media_type.startswith("multipart/form-data"):
        form = await request.form()
        try:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise InvalidInput("a multipart upload needs the file in the field `file`")
            name = PurePath(upload.filename or "upload").name
            return upload.file, name, format_for(name, fmt, upload.content_type)
        except BaseException:
            await form.close()  # the uploaded parts' temporary files go with a refused request
            raise
    found = format_for("request body", fmt, media_type)
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 - closed with the request
    try:
        async for chunk in request.stream():
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, f"request-body.{found}", found  # type: ignore[return-value]


@router.post(
    "/{kind}",
    response_model=ImportReportRead,
    summary="Import a file of passengers, flights, bookings, events or feedback",
    description=(
        "The whole file is checked first; any problem and nothing is imported (400, each problem with its "
        "`loc` [line, field] and `msg`), unless `skip_invalid=true`, which imports the good rows and lists "
        "the rejected ones. Importing the same file again changes nothing. Feedback is analysed once stored "
        "(`details.analysed`). Needs the integration role."
    ),
    openapi_extra=_body_schema(),
)
async def import_upload(
    kind: ImportKind,
    request: Request,
    session: SessionDep,
    principal: IntegrationDep,
    skip_invalid: Annotated[bool, Query(description="Import the good rows and report the rejected ones.")] = False,
    fmt: Annotated[
        str | None, Query(alias="format", description=f"One of {', '.join(FORMATS)}; default: from Content-Type.")
    ] = None,
) -> ImportReportRead:
    stream, name, found = await _receive(request, fmt)
    try:
        report = await run_in_threadpool(
            imports.import_stream,
            session,
            kind=kind,
            stream=stream,
            source=name,
            fmt=found,
            skip_invalid=skip_invalid,
            actor=principal.actor,
        )
    finally:
        stream.close()
    details = dict(report.details)
    if kind == ImportKind.FEEDBACK:
        # Feedback is analysed as it arrives, in the same transaction (`goodwill listening analyse` otherwise).
        details["analysed"] = await run_in_threadpool(feedback.analyse_pending, request, session)
    return ImportReportRead(
        kind=report.kind,
        source=report.source,
        rows_total=report.rows_total,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        stale=report.stale,
        rejected_rows=report.rejected_rows,
        rejected=[RejectionRead(line=r.line, field=r.field, reason=r.reason) for r in report.rejected[:MAX_LISTED]],
        rejected_listed_all=len(report.rejected) <= MAX_LISTED,
        details=details,
        elapsed=round(report.elapsed, 3),
        sha256=report.sha256,
        run_id=report.run_id,
    )
