"""people-import: importing a generated 100,000-row people ledger (parse, validate, encrypt, blind
index, registration links, audit, one transaction) against merely iterating the same file with
openpyxl in read-only mode. Then the p95 latency of looking one person up by ID through the API.
"""

import random
import statistics
import time
from pathlib import Path

from bench import harness
from bench.identities import SERIES

ROWS = 100_000
SEED = 20220114
LOOKUPS = 200
USERNAME = "zhihui"  # the commander: every imported person is in scope
HEADERS = ["姓名", "证件类型", "证件号码", "手机号码", "住址", "居住地区划代码"]
HOMES = ["410106001001", "410106002001", "410106002002", "410106003001", "410106004001", "410106005001"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平"
# Numbers that neither repeat nor match a demo person's (nor people-create's, in the same run): a
# row that met a known document would be linked, not created, and the count would fall short.
NUMBERS = SERIES["people-import"]


def generate(path: Path) -> list[str]:
    """Write the ledger (IDs and phones as text cells, as the export writes them); return the IDs."""
    import openpyxl

    rng = random.Random(SEED)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("人员")
    sheet.append(HEADERS)
    ids = []
    for n in range(ROWS):
        number = NUMBERS.resident_id(n)
        ids.append(number)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        address = f"中心路{rng.randint(1, 300)}号"
        sheet.append([name, "居民身份证", number, NUMBERS.mobile(n), address, rng.choice(HOMES)])
    book.save(path)
    if len(set(ids)) != ROWS:
        raise RuntimeError(f"people-import: {ROWS - len(set(ids))} generated ID numbers repeat")
    return ids


def openpyxl_rate(path: Path) -> float:
    import openpyxl

    started = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True)
    rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1
    book.close()
    return rows / (time.perf_counter() - started)


IMPORT_SCRIPT = """
import time
from django.contrib.auth import get_user_model
from lianfang.core.audit.context import audit_context
from lianfang.core.ledgers.services import ledger_import

user = get_user_model().objects.get(username={username!r})
started = time.perf_counter()
with audit_context():
    report = ledger_import(actor=user, kind="people", file={path!r}, filename="bench.xlsx")
elapsed = time.perf_counter() - started
# Every generated row is a new person: fewer created means a number met a known one. Not an
# assert, which python -O would skip.
if not report.ok or report.created != {rows}:
    raise SystemExit(
        f"people-import: {{report.created}} of {rows} rows created, {{report.rows_total}} read; "
        f"errors: {{report.errors[:3]}}"
    )
print(f"{{report.rows_total / elapsed}}")
"""

TOKEN_SCRIPT = f"""
from django.contrib.auth import get_user_model
from knox.models import AuthToken

print(AuthToken.objects.create(get_user_model().objects.get(username={USERNAME!r}))[1])
"""


def lookup_p95(server: harness.Server, ids: list[str]) -> float:
    import http.client
    import json

    token = server.django(TOKEN_SCRIPT).split()[-1]
    connection = http.client.HTTPConnection(harness.HOST, server.port, timeout=30)
    timings = []
    try:
        for number in random.Random(SEED).sample(ids, LOOKUPS):
            started = time.perf_counter()
            connection.request("GET", f"/api/v1/people/?q={number}", headers={"Authorization": f"Token {token}"})
            response = connection.getresponse()
            body = json.loads(response.read())
            timings.append((time.perf_counter() - started) * 1000)
            if response.status != 200 or body["count"] != 1:
                raise RuntimeError(f"looking up {number[:6]}… answered {response.status}: {body}")
    finally:
        connection.close()
    return statistics.quantiles(timings, n=20)[-1]


def run(server: harness.Server) -> bool:
    path = Path(server.env["LIANFANG_VAR_DIR"]) / "people-100k.xlsx"
    started = time.perf_counter()
    ids = generate(path)
    print(f"people-import: {ROWS} rows generated in {time.perf_counter() - started:.1f} s")
    baseline = openpyxl_rate(path)
    ours = float(server.django(IMPORT_SCRIPT.format(username=USERNAME, path=str(path), rows=ROWS)).split()[-1])
    print(f"  openpyxl read-only: {baseline:9.0f} rows/s   lianfang import: {ours:9.0f} rows/s")
    p95 = lookup_p95(server, ids)
    print(f"  lookup by ID among {ROWS} people through the API: p95 {p95:.1f} ms over {LOOKUPS} requests")
    return harness.report("people-import", ours / baseline, 1.0)
