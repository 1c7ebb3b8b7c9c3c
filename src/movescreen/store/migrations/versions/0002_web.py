"""web app: a job row per uploaded clip (stage, attempts), athlete profiles, logins

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_jobs",
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["clip_id"], ["clips.id"], ondelete="CASCADE",
                                name=op.f("fk_web_jobs_clip_id_clips")),
        sa.ForeignKeyConstraint(["coach_id"], ["coaches.id"], ondelete="CASCADE",
                                name=op.f("fk_web_jobs_coach_id_coaches")),
        sa.PrimaryKeyConstraint("clip_id", name=op.f("pk_web_jobs")),
    )
    op.create_index(op.f("ix_web_jobs_coach_id"), "web_jobs", ["coach_id"])
    op.create_table(
        "athlete_profiles",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["athlete_id"], ["athletes.id"], ondelete="CASCADE",
                                name=op.f("fk_athlete_profiles_athlete_id_athletes")),
        sa.PrimaryKeyConstraint("athlete_id", name=op.f("pk_athlete_profiles")),
    )
    op.create_table(
        "web_logins",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coach_id"], ["coaches.id"], ondelete="CASCADE",
                                name=op.f("fk_web_logins_coach_id_coaches")),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_web_logins")),
    )


def downgrade() -> None:
    op.drop_table("web_logins")
    op.drop_table("athlete_profiles")
    op.drop_index(op.f("ix_web_jobs_coach_id"), table_name="web_jobs")
    op.drop_table("web_jobs")
