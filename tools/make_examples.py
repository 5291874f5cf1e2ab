"""Copy a handful of JawharaFM articles (ANT corpus v1.1, Apache-2.0) into examples/.

usage: python tools/make_examples.py
Each article becomes <id>.txt (title, then body) and <id>.meta.json (id, published, outlet, url).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import iter_ant

CHOSEN = {
    "JA-internationalNews-1-20170121",
    "JA-internationalNews-41-20170123",
    "JA-internationalNews-198-20170207",
    "JA-internationalNews-822-20170428",
    "JA-politic-62-20170127",
}
OUT = Path(__file__).resolve().parents[1] / "examples"


def main() -> None:
    found = 0
    for rec in iter_ant(categories={"internationalNews", "politic"}):
        if rec["id"] in CHOSEN:
            (OUT / f"{rec['id']}.txt").write_text(rec["text"] + "\n", encoding="utf-8")
            meta = {k: rec[k] for k in ("id", "published", "outlet", "url")}
            meta["source"] = "ANT corpus v1.1 (JawharaFM), Apache-2.0"
            (OUT / f"{rec['id']}.meta.json").write_text(
                json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            found += 1
    print(f"wrote {found} articles to {OUT}")


if __name__ == "__main__":
    main()
