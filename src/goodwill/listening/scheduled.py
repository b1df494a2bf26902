"""What `goodwill worker` does for listening between two deliveries (and the demo's worker thread with it):
analyse the feedback not analysed yet, run the closed loop over what is ready, and look for spikes now and then.

Each step is the use case its command runs, called the same way: `analysing.analyse_feedback` as
`goodwill listening analyse --pending` does (bounded here by `batch`), `closing.close_loop` as
`goodwill listening loop` does, `alerting.detect_spikes` as `goodwill listening spikes` does. Each step is one
transaction, audited as the command audits it (when it did something). Several workers at once share the work:
a feedback being analysed or judged by one is skipped by the others (FOR UPDATE SKIP LOCKED on PostgreSQL;
SQLite's single writer takes turns), and the loop's case is keyed by its feedback (`feedback:<id>`), so no
feedback is analysed twice and none opens a second case.

A step is small (`batch` feedback, a fraction of a second for the default model) so that the messages the worker
delivers are not held up behind it: with a backlog the worker takes one batch per cycle, between two deliveries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.audit import service as audit
from goodwill.cases import sla
from goodwill.flights import service as flights
from goodwill.listening import alerting, analysing, closing
from goodwill.listening.language import LanguageMode
from goodwill.listening.spikes import SpikeRules
from goodwill.logging import get_logger

log = get_logger(__name__)
ACTOR = "worker"


@dataclass(frozen=True)
class ListeningJobs:
    """Which listening jobs a worker runs, how much at a time and how often."""

    analyse: bool = True
    loop: bool = True
    spikes: bool = True
    batch: int = 200  # feedback analysed (and judged by the loop) per step
    every: float = 5.0  # seconds between two looks for new feedback when there was none
    spikes_every: float = 900.0  # seconds between two spike detections
    spike_rules: SpikeRules = field(default_factory=SpikeRules)
    policy: sla.SlaPolicy = sla.DEFAULT_POLICY

    @property
    def any(self) -> bool:
        return self.analyse or self.loop or self.spikes


@dataclass
class ListeningRun:
    """What one step did."""

    analysed: int = 0
    spam: int = 0
    looped: int = 0
    cases_opened: int = 0
    cases_joined: int = 0
    spike_checks: int = 0
    spikes_raised: int = 0

    @property
    def busy(self) -> bool:
        """Whether it found work (so more may wait: the next cycle looks again at once)."""
        return bool(self.analysed or self.looped)

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class ListeningWorker:
    """The listening jobs of one worker: call `step` once per cycle; it runs what is due."""

    def __init__(
        self,
        unit_of_work: Callable[[], AbstractContextManager[Session]],
        *,
        jobs: ListeningJobs,
        models: analysing.ModelAtHand | None,
        mode: LanguageMode = LanguageMode.FAST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if jobs.analyse and models is None:
            raise ValueError("analysing feedback needs a model")
        self.unit_of_work = unit_of_work
        self.jobs = jobs
        self.models = models
        self.mode = mode
        self.clock = clock
        self._listened_at: float | None = None
        self._spikes_at: float | None = None
        self._more = False

    def _due(self, last: float | None, every: float) -> bool:
        return last is None or self.clock() - last >= every

    def step(self, *, now: Callable[[], datetime]) -> ListeningRun:
        """Analyse and loop one batch when new feedback may be waiting (the last step found some, or `every`
        seconds have passed), and detect spikes when `spikes_every` seconds have passed since the last time."""
        run = ListeningRun()
        if (self.jobs.analyse or self.jobs.loop) and (self._more or self._due(self._listened_at, self.jobs.every)):
            self._listened_at, self._more = self.clock(), False  # a failed step is tried again `every` later
            if self.jobs.analyse:
                self._analyse(run, now=now())
            if self.jobs.loop:
                self._loop(run, now=now())
            self._more = run.busy
        if self.jobs.spikes and self._due(self._spikes_at, self.jobs.spikes_every):
            self._spikes_at = self.clock()
            self._spikes(run, now=now())
        return run

    def _analyse(self, run: ListeningRun, *, now: datetime) -> None:
        if self.models is None:  # pragma: no cover - refused in __init__
            raise RuntimeError("analysing feedback needs a model")
        with self.unit_of_work() as session:
            report = analysing.analyse_feedback(
                session, models=self.models.models, model=self.models.label, airports=flights.known_airport_codes(),
                mode=self.mode, now=now, limit=self.jobs.batch,
            )  # fmt: skip
            if report.analysed:
                audit.record(
                    session, actor=ACTOR, action="feedback.analysed", entity_type="feedback",
                    details={"analysed": report.analysed, "model": report.model, "language_mode": report.language_mode},
                )  # fmt: skip
        run.analysed, run.spam = report.analysed, report.spam
        if report.analysed:
            log.info("listening.feedback_analysed", analysed=report.analysed, spam=report.spam, model=report.model)

    def _loop(self, run: ListeningRun, *, now: datetime) -> None:
        with self.unit_of_work() as session:
            report = closing.close_loop(session, now=now, policy=self.jobs.policy, limit=self.jobs.batch)
            if report.examined:
                audit.record(
                    session, actor=ACTOR, action="listening.loop_run", entity_type="feedback",
                    details={k: v for k, v in report.as_dict().items() if k not in ("opened", "joined")},
                )  # fmt: skip
        run.looped, run.cases_opened, run.cases_joined = report.examined, report.cases_opened, report.cases_joined
        if report.examined:
            log.info(
                "listening.loop_run", examined=report.examined, cases_opened=report.cases_opened,
                cases_joined=report.cases_joined,
            )  # fmt: skip

    def _spikes(self, run: ListeningRun, *, now: datetime) -> None:
        try:
            with self.unit_of_work() as session:
                found = alerting.detect_spikes(session, now=now, rules=self.jobs.spike_rules, actor=ACTOR)
        except IntegrityError:
            # Another worker raised the same alert (same scope, subject and window) at the same moment: it is
            # raised once, by them; this run's other alerts, if any, are raised at the next detection.
            log.info("listening.spikes_raised_elsewhere")
            run.spike_checks = 1
            return
        run.spike_checks, run.spikes_raised = 1, len(found.raised)
        if found.raised:
            log.info("listening.spikes_raised", raised=len(found.raised))
