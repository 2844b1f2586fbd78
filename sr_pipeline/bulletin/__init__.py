"""The monthly bulletin as files: the Main Figures box, the pie and bar charts of bulletin #41
(PNG), one self-contained HTML page, an Excel export of the month's public tables and the
printed editions (PDF, English and French, with the map, the trend and the highlights), all
rendered from the marts of the published warehouse into ``bulletins/<YYYY-MM>/`` beside it;
and their sending once published (``sending.py``).

matplotlib and xlsxwriter are imported only when a month is rendered, so importing the
Dagster definitions stays fast.
"""

from sr_pipeline.bulletin.render import Rendered, bulletin_folder, render_month

__all__ = ["Rendered", "bulletin_folder", "render_month"]
