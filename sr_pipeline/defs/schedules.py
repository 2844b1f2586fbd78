"""The monthly schedule: the previous month's snapshot, once the trackers are in."""

from datetime import timedelta

import dagster as dg

from sr_pipeline.defs.jobs import build_months


@dg.schedule(
    job=build_months,
    cron_schedule="0 6 5 * *",  # 06:00 on the 5th of each month
    execution_timezone="Africa/Bamako",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def monthly_snapshot(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Build last month (the units send their trackers in the first days of the month)."""
    first_of_this_month = context.scheduled_execution_time.date().replace(day=1)
    previous = (first_of_this_month - timedelta(days=1)).replace(day=1)
    return dg.RunRequest(
        run_key=f"monthly-{previous.isoformat()}", partition_key=previous.isoformat()
    )
