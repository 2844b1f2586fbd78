"""Which engine prints the bulletin: WeasyPrint (with Debian's Pango) or Chromium's own
printing (Playwright ``page.pdf`` driving Debian's chromium). Both print the same HTML
editions of a built month; the script reports seconds per edition (median of ``--repeat``),
the browser's start-up apart, the PDF's size and pages, and whether every font is embedded.

    python benchmarks/bench_bulletin_pdf.py warehouse/bulletins/2018-06 [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def fonts_embedded(pdf: Path) -> bool:
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    rows = lines.splitlines()[2:]
    return bool(rows) and all(row.split()[-5] == "yes" for row in rows)


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))


def weasyprint(html: Path, out: Path) -> None:
    from sr_pipeline.bulletin.pdf import write_pdf

    write_pdf(html.read_text(encoding="utf-8"), out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    editions = sorted(args.folder.glob("bulletin-*-??.html"))
    work = Path(tempfile.mkdtemp())
    results = []
    for html in editions:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            weasyprint(html, work / f"w-{html.stem}.pdf")
            times.append(time.perf_counter() - start)
        results.append(
            ("weasyprint", html.stem, statistics.median(times), work / f"w-{html.stem}.pdf")
        )

    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
        )
        launched = time.perf_counter() - start
        page = browser.new_page()
        for html in editions:
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                page.set_content(html.read_text(encoding="utf-8"), wait_until="load")
                page.pdf(path=str(work / f"c-{html.stem}.pdf"), format="A4",
                         prefer_css_page_size=True, print_background=True)  # fmt: skip
                times.append(time.perf_counter() - start)
            results.append(
                ("chromium", html.stem, statistics.median(times), work / f"c-{html.stem}.pdf")
            )
        browser.close()
    print(f"chromium start-up (launch, once per run): {launched:.2f} s")
    print("engine      edition              s/edition  KiB  pages  fonts embedded")
    for engine, stem, seconds, pdf in results:
        print(f"{engine:11} {stem:20} {seconds:9.2f} {pdf.stat().st_size // 1024:4} "
              f"{pages(pdf):6}  {fonts_embedded(pdf)}")  # fmt: skip
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
