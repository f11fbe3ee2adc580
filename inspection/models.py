"""Import every model so SQLAlchemy's metadata (and Alembic) sees the whole schema."""
from .audit.models import AuditEvent  # noqa: F401
from .auth.models import ApiToken, User  # noqa: F401
from .campaigns.models import Campaign, Target, Team, team_members  # noqa: F401
from .circulars.models import (CircularCopy, CircularFinding, CircularRecipient, CircularSection,  # noqa: F401
                               Circular, IssuingOrgan, NumberCounter)
from .checklists.models import Checklist, ChecklistItem  # noqa: F401
from .followup.models import (FollowupPlan, FollowupProblem, Recheck, RecheckPhoto,  # noqa: F401
                              followup_circulars)
from .findings.models import FindingPhoto, Finding, InvolvedPerson  # noqa: F401
from .outcomes.models import Outcome  # noqa: F401
from .photos.models import Photo  # noqa: F401
from .rectification.models import (CalendarDay, ExtensionRequest, RectificationEvent,  # noqa: F401
                                    RectificationEvidence, RectificationItem, RectificationReport, Reminder)
from .review.models import Review  # noqa: F401
from .stats.indexes import INDEXES  # noqa: F401  (indexes of the statistics feature)
from .sync.models import ChangeEvent, RecordVersion, SyncBatch  # noqa: F401
from .units.models import Unit  # noqa: F401
from .visits.models import ChecklistAnswer, Visit  # noqa: F401
