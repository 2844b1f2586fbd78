"""The monthly bulletin: charts, page and Excel export of each month, rendered from the marts
of the file just published (so the files always agree with what analysts read)."""

import base64

import dagster as dg

from sr_pipeline.defs.assets_publish import PUBLISHED
from sr_pipeline.defs.assets_sources import editorial_highlights
from sr_pipeline.defs.partitions import monthly_partitions, months_label, run_months
from sr_pipeline.defs.resources import WarehouseResource

BULLETIN = dg.AssetKey(["bulletin", "monthly"])
BULLETIN_SENT = dg.AssetKey(["bulletin", "sent"])
PUBLICATIONS = dg.AssetKey(["marts", "publications"])
MAX_PAGES = 4  # two pages of figures and at most two of highlights


def record_publications(target, rendered) -> None:
    """Each bulletin rendered into marts.publications, then published too (the file copied
    again, or one more small lake snapshot), so that analysts find the record at once."""
    from datetime import UTC, datetime

    from sr_pipeline.warehouse.sql import run, transaction

    now = datetime.now(UTC)
    with target.connect() as con, transaction(con):
        for item in rendered:
            provenance = item.month.provenance
            run(
                con,
                "marts/insert_publication",
                {
                    "as_of": item.month.as_of,
                    "published_at": now,
                    "warehouse": provenance.warehouse,
                    "warehouse_version": provenance.version,
                    "tracker_versions": provenance.rows(),
                    "folder": str(item.folder.relative_to(target.folder)),
                },
            )
    target.publish()


def _charts_markdown(rendered) -> str:
    return "\n\n".join(
        f"![{chart.title}](data:image/png;base64,{base64.b64encode(chart.png).decode('ascii')})"
        for chart in rendered.charts
    )


def _main_figures_markdown(rendered) -> str:
    from sr_pipeline.bulletin.content import fund_name
    from sr_pipeline.language.wording import long_date

    funds = rendered.month.funds
    return "\n\n".join(
        f"- **{fund_name(fund)}**, as of {long_date(funds[fund].data_as_of)}: {text}"
        for fund, text in rendered.main_figures.items()
    )


RENDER = (
    "Render the month's Main Figures, charts (PNG), page (HTML), Excel export and printed "
    "editions (PDF, English and French) into bulletins/YYYY-MM/ beside the warehouse, and record "
    "each in marts.publications. Highlights come from SR_EDITORIAL_DIR (default "
    "sources/editorial/)."
)


@dg.multi_asset(
    name="bulletin__monthly",  # the step's name in run logs, as when it was one asset
    specs=[
        dg.AssetSpec(
            BULLETIN,
            deps=[PUBLISHED, editorial_highlights],
            description=RENDER,
            group_name="bulletin",
            kinds={"python", "html", "excel", "pdf"},
        ),
        dg.AssetSpec(
            PUBLICATIONS,
            deps=[PUBLISHED],
            description="Every bulletin rendered: its month, when, from which tracker versions "
            "and which warehouse version (a DuckLake reads exactly what it showed with AT "
            "(VERSION => warehouse_version)).",
            group_name="bulletin",
            kinds={"duckdb", "sql"},
        ),
    ],
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def monthly_bulletin(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Render each month's bulletin and record it in marts.publications (see ``RENDER``)."""
    from sr_pipeline.bulletin import render_month
    from sr_pipeline.bulletin.content import months_with_figures

    months = run_months(context)
    target = warehouse.warehouse()
    version = target.published_version()  # pinned: a concurrent publication changes nothing
    label = "file" if target.lake is None else target.lake.label
    rendered = []
    with target.read_published(version) as con:
        present = months_with_figures(con, months)
        for as_of in present:
            rendered.append(render_month(con, as_of, target.folder, label, version))
    if rendered:
        record_publications(target, rendered)
    for item in rendered:
        for language, pages in item.pages.items():
            if pages > MAX_PAGES:
                context.log.warning(
                    f"{item.month.label} {language}: {pages} pages; the highlights are longer "
                    f"than two pages (the bulletin has at most {MAX_PAGES})"
                )

    metadata: dict[str, object] = {
        "months": months_label(months),
        "months_rendered": len(rendered),
        "months_skipped_no_figures": len(months) - len(rendered),
    }
    if rendered:
        last = rendered[-1]
        changes = last.month.changes
        metadata.update(
            {
                "month": last.month.label,
                "warehouse_version": last.month.provenance.text(),
                "html": dg.MetadataValue.path(str(last.page)),
                "xlsx": dg.MetadataValue.path(str(last.xlsx)),
                "folder": dg.MetadataValue.path(str(last.folder)),
                "charts": len(last.charts),
                "pdf_en": dg.MetadataValue.path(str(last.pdfs["en"])),
                "pdf_fr": dg.MetadataValue.path(str(last.pdfs["fr"])),
                "pdf_pages": ", ".join(f"{lang}: {n}" for lang, n in last.pages.items()),
                "drafts": ", ".join(last.drafts) or "none (highlights written)",
                "approved_this_month": int((changes["change"] == "approved").sum()),
                "completed_this_month": int((changes["change"] == "completed").sum()),
                "main_figures": dg.MetadataValue.md(_main_figures_markdown(last)),
                "charts_preview": dg.MetadataValue.md(_charts_markdown(last)),
            }
        )
    yield dg.MaterializeResult(
        asset_key=PUBLICATIONS, metadata={"bulletins_recorded": len(rendered)}
    )
    yield dg.MaterializeResult(asset_key=BULLETIN, metadata=metadata)


@dg.asset(
    key=BULLETIN_SENT,
    deps=[BULLETIN],
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="bulletin",
    kinds={"python", "email"},
)
def bulletin_sent(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Email the published month's PDF editions to SR_BULLETIN_TO, once per publication
    (recorded in sending/sent.jsonl); without SR_SMTP_HOST, write them to sending/outbox/."""
    from sr_pipeline.bulletin.render import EDITION_NAME, bulletin_folder
    from sr_pipeline.bulletin.sending import deliver, recipients_setting, sender_setting
    from sr_pipeline.mail import smtp_server

    folder = warehouse.warehouse().folder
    # Only the newest month of a run is news; the months a backfill rebuilds before it are
    # the record, not a bulletin to send again.
    months = [
        m for m in run_months(context) if (bulletin_folder(folder, m) / EDITION_NAME).exists()
    ]
    if not months:
        return dg.MaterializeResult(metadata={"sent": "nothing rendered for these months"})
    delivery = deliver(folder, months[-1], smtp_server(), recipients_setting(), sender_setting())
    context.log.info(f"Bulletin {months[-1]:%Y-%m}: {delivery.how} ({delivery.key[:12]})")
    return dg.MaterializeResult(
        metadata={
            "month": f"{months[-1]:%Y-%m}",
            "delivery": delivery.how,
            "recipients": ", ".join(delivery.recipients) or "(none)",
            "publication_key": delivery.key,
            **({"outbox_file": dg.MetadataValue.path(str(delivery.path))} if delivery.path else {}),
        }
    )
