"""`convert --serve`: serve.py answers /predict, /health and /metrics for the model the
pipeline saved (checked by the generated tests themselves, run here with real FastAPI),
the image gets a `serve` target, and a notebook without a model gets a warning.

The generated app is also run here, in this process with FastAPI's TestClient, on bad
requests (wrong values, shapes and sizes, no API key: refused with a short answer that
never holds the exception text or what was sent) and while model versions with other
columns are saved and rolled back (the schema follows without a restart)."""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nb2prod.convert import convert_notebook
from nb2prod.reading.notebook import read_notebook
from nb2prod.testing import code, md, nb, notebook, write_nb
from nb2prod.writer import write_package

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ARRAYS = (
    md("# Tiny classifier"),
    code(
        "from sklearn.datasets import make_classification\n"
        "from sklearn.linear_model import LogisticRegression",
        count=1,
    ),
    md("## Train"),
    code(
        "X, y = make_classification(n_samples=100, random_state=1)\n"
        "model = LogisticRegression().fit(X, y)\n"
        "print(model.score(X, y))",
        count=2,
    ),
)


def _generated_tests(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         "tests/test_pipeline.py"],
        cwd=folder, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "PYTHONPATH": str(folder / "src"), "MPLBACKEND": "Agg"},
    )  # fmt: skip


@pytest.mark.slow  # starts an interpreter
def test_named_features_are_served_like_the_model_predicts(tmp_path):
    """The churn example trains on a DataFrame: the request rows have its columns."""
    result = convert_notebook(read_notebook(EXAMPLES / "churn_tidy.ipynb"), serve=True)
    assert result.plan.serve
    folder = tmp_path / "churn"
    write_package(result.package, folder)
    shutil.copy(EXAMPLES / "customers.csv", folder / "customers.csv")
    completed = _generated_tests(folder)
    assert completed.returncode == 0, completed.stdout
    # the run, the printed lines and the service: none skipped
    assert "3 passed" in completed.stdout and "skipped" not in completed.stdout


@pytest.mark.slow  # starts an interpreter
def test_unnamed_features_are_lists_of_numbers(tmp_path):
    result = convert_notebook(notebook(*ARRAYS, path="tiny.ipynb"), serve=True)
    folder = tmp_path / "tiny"
    write_package(result.package, folder)
    completed = _generated_tests(folder)
    assert completed.returncode == 0, completed.stdout
    assert "2 passed" in completed.stdout, completed.stdout
    requirements = result.package["requirements.txt"]
    for name in ("fastapi", "prometheus-client", "uvicorn"):
        assert name in requirements
    assert '"httpx"' in result.package["pyproject.toml"]


@pytest.mark.slow  # starts an interpreter
def test_the_image_has_a_serve_target_and_stays_hadolint_clean(tmp_path):
    result = convert_notebook(notebook(*ARRAYS, path="tiny.ipynb"), serve=True)
    dockerfile = result.package["Dockerfile"]
    stages = [line for line in dockerfile.splitlines() if line.startswith("FROM")]
    assert stages == [
        "FROM python:3.11-slim-bookworm AS base",
        "FROM base AS serve",
        "FROM base AS pipeline",  # the last stage: `docker build` builds the pipeline
    ]
    assert 'ENTRYPOINT ["python", "-m", "tiny.serve"' in dockerfile
    # Only the service has a health check; a batch job's exit code is its health.
    base, serve, pipeline = re.split(r"^FROM base AS \w+$", dockerfile, flags=re.M)
    assert "HEALTHCHECK" not in base + pipeline
    healthcheck = next(line for line in serve.splitlines() if "HEALTHCHECK" in line)
    assert healthcheck.startswith("HEALTHCHECK --interval=")
    assert "http://127.0.0.1:8000/health" in serve
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed")
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile, encoding="utf-8")
    completed = subprocess.run(
        [hadolint, str(path)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nb2prod", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_serve_without_a_model_warns_and_writes_no_service(tmp_path):
    write_nb(tmp_path / "plain.ipynb", nb(md("# Sums"), code("print(sum([1, 2]))")))
    completed = _cli("convert", "plain.ipynb", "-o", "out", "--serve", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "--serve: the notebook trains no model" in completed.stderr
    assert not list((tmp_path / "out").rglob("serve.py"))


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_a_served_package_is_not_stale_for_check(tmp_path):
    path = tmp_path / "tiny.ipynb"
    write_nb(path, nb(*ARRAYS))
    written = _cli("convert", "tiny.ipynb", "-o", "pkg", "--serve", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "pkg" / "src" / "tiny" / "serve.py").is_file()
    check = _cli("convert", "tiny.ipynb", "-o", "pkg", "--check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr


def test_serve_takes_one_notebook(tmp_path):
    for name in ("a", "b"):
        write_nb(tmp_path / f"{name}.ipynb", nb(*ARRAYS))
    completed = _cli("convert", "a.ipynb", "b.ipynb", "--serve", cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stderr.strip() == "error: --serve takes one notebook"


# --- the generated service, run here with FastAPI's TestClient ------------------------

PACKAGE = "served_members"
MEMBERS_NOTEBOOK = (
    md("# Members"),
    code(
        "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression",
        count=1,
    ),
    md("## Train"),
    code(
        "frame = pd.DataFrame({'age': [20, 35], 'income': [1.5, 2.0], 'member': [True, False]})\n"
        "model = LogisticRegression().fit(frame, [0, 1])",
        count=2,
    ),
)
#: Training columns of two model versions (int64, float64, bool; float64, int64).
MEMBERS = {
    "age": [20, 35, 50, 65] * 5,
    "income": [1.5, 2.0, 3.5, 0.5] * 5,
    "member": [True, False, False, True] * 5,
}
HEIGHTS = {"height": [150.0, 160.0, 170.0, 180.0] * 5, "shoe": [36, 38, 42, 44] * 5}
TARGET = [0, 1, 1, 0] * 5
MEMBER = {"age": 40, "income": 2.5, "member": True}
HEIGHT = {"height": 171.5, "shoe": 41}
#: Sent in bad requests; an answer must never repeat it.
ECHO = "ECHO-" + "q7v" * 30
API_KEY = "k3y-0123456789abcdef"
LEAKS = ("Traceback", "Error", "pydantic", "Input X", 'File "', "sklearn", ECHO)


@dataclass(frozen=True)
class Service:
    """The generated package, imported in this process."""

    serve: ModuleType
    models: ModuleType
    source: Path  # its src/ folder

    def save(self, model_dir: Path, estimator: Any, columns: Any) -> Path:
        """Fit `estimator` on `columns` and save it as the next version (current)."""
        import pandas

        data = pandas.DataFrame(columns) if isinstance(columns, dict) else columns
        saved = self.models.save_model(
            estimator.fit(data, TARGET), str(model_dir), training_data=data
        )
        assert saved is not None
        return saved

    def client(self, model_dir: Path, **settings: Any) -> Any:
        from fastapi.testclient import TestClient

        return TestClient(self.serve.create_app(str(model_dir), **settings))


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    result = convert_notebook(
        notebook(*MEMBERS_NOTEBOOK, path="members.ipynb"), PACKAGE, serve=True
    )
    folder = tmp_path_factory.mktemp("served") / PACKAGE
    write_package(result.package, folder)
    source = folder / "src"
    sys.path.insert(0, str(source))
    try:
        yield Service(
            importlib.import_module(f"{PACKAGE}.serve"),
            importlib.import_module(f"{PACKAGE}.models"),
            source,
        )
    finally:
        sys.path.remove(str(source))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def members_models(service: Service, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sklearn.linear_model import LogisticRegression

    model_dir = tmp_path_factory.mktemp("models")
    service.save(model_dir, LogisticRegression(), MEMBERS)
    return model_dir


@pytest.fixture(scope="module")
def members_client(service: Service, members_models: Path) -> Any:
    return service.client(members_models, max_rows=5, max_body_bytes=20_000)


def _rows(*rows: Any) -> str:
    return json.dumps({"rows": list(rows)})


def _member(**values: Any) -> dict[str, Any]:
    return {**MEMBER, **values}


def _assert_refused(answer: Any, status: int, says: str, sent: str | bytes) -> None:
    """A refusal: the status, a short answer saying `says`, with the request id, and
    neither an exception's text nor what the request sent."""
    assert answer.status_code == status, answer.text
    content = answer.json()
    assert set(content) <= {"detail", "errors", "request_id"}, content
    assert content["request_id"] == answer.headers["x-request-id"]
    assert says in " | ".join([content["detail"], *content.get("errors", ())])
    assert len(answer.content) < 1500, answer.text
    for leak in LEAKS:
        assert leak not in answer.text
    sent = sent.decode("utf-8", "replace") if isinstance(sent, bytes) else sent
    assert len(sent) < 20 or sent not in answer.text


BAD_BODIES = [
    pytest.param(
        _rows(MEMBER).replace('"age": 40', '"age": NaN'),
        422,
        "row 0, column 'age': NaN is not a value of this column",
        id="nan-in-int",
    ),
    pytest.param(
        _rows(MEMBER, _member(age=41)).replace('"age": 41', '"age": Infinity'),
        422,
        "row 1, column 'age': Infinity",
        id="infinity-in-int",
    ),
    pytest.param(
        _rows(MEMBER).replace('"income": 2.5', '"income": -Infinity'),
        422,
        "row 0, column 'income': -Infinity is not a value",
        id="minus-infinity-in-float",
    ),
    pytest.param(
        _rows(MEMBER).replace('"income": 2.5', '"income": 1e400'),
        422,
        "row 0, column 'income': Infinity",
        id="overflow-in-float",
    ),
    pytest.param(
        _rows(MEMBER, _member(age=ECHO)),
        422,
        "row 1, column 'age': Input should be a valid integer",
        id="string-in-int",
    ),
    pytest.param(
        _rows(_member(income="2.5" + ECHO)),
        422,
        "row 0, column 'income': Input should be a valid number",
        id="string-in-float",
    ),
    pytest.param(_rows(_member(age=None)), 422, "column 'age'", id="null-in-int"),
    pytest.param(_rows(_member(age=5.5)), 422, "column 'age'", id="fraction-in-int"),
    pytest.param(_rows(_member(age=True)), 422, "column 'age'", id="bool-in-int"),
    pytest.param(_rows(_member(age=2**70)), 422, "column 'age'", id="int64-overflow"),
    pytest.param(_rows(_member(member=1)), 422, "column 'member'", id="int-in-bool"),
    pytest.param(
        _rows({"age": 40, "income": 2.5}),
        422,
        "row 0, column 'member': missing",
        id="missing-column",
    ),
    pytest.param(
        _rows({**MEMBER, ECHO: 1}),
        422,
        "row 0, column 'ECHO-q7v",
        id="extra-column",
    ),
    pytest.param(
        _rows([40, 2.5, True]),
        422,
        "row 0: a row is a JSON object with one value per column",
        id="row-not-an-object",
    ),
    pytest.param(_rows(), 422, "no rows", id="empty-list"),
    pytest.param(
        _rows(*[MEMBER] * 6), 413, "6 rows; at most 5 per request", id="too-many-rows"
    ),
    pytest.param(
        _rows(_member(age=ECHO))[:-4],
        422,
        "the body is not JSON: ",
        id="truncated-json",
    ),
    pytest.param("rows=" + ECHO, 422, "the body is not JSON", id="not-json"),
    pytest.param(
        b'{"rows": [{"age": "\xff\xfe' + ECHO.encode() + b'"}]}',
        422,
        "the body is not JSON",
        id="not-utf-8",
    ),
    pytest.param("[" * 5000 + "]" * 5000, 422, "not JSON", id="nested-too-deep"),
    pytest.param(
        _rows(_member(age=0)).replace('"age": 0', '"age": ' + "9" * 5000),
        422,
        "not JSON",
        id="integer-of-5000-digits",
    ),
    pytest.param(json.dumps([MEMBER]), 422, 'a JSON object {"rows"', id="list-body"),
    pytest.param(json.dumps(ECHO), 422, 'a JSON object {"rows"', id="string-body"),
    pytest.param(json.dumps({"rows": MEMBER}), 422, '{"rows"', id="rows-not-a-list"),
    pytest.param(
        json.dumps({"rows": [MEMBER], ECHO: 1}), 422, '{"rows"', id="extra-field"
    ),
    pytest.param(json.dumps({"row": [MEMBER]}), 422, '{"rows"', id="no-rows-field"),
]


@pytest.mark.slow  # over half a second: fuzzing or many conversions
@pytest.mark.parametrize(("body", "status", "says"), BAD_BODIES)
def test_a_bad_request_gets_a_short_answer_naming_the_problem(
    members_client, body, status, says
):
    answer = members_client.post(
        "/predict", content=body, headers={"content-type": "application/json"}
    )
    _assert_refused(answer, status, says, body)


def test_a_good_request_still_gets_predictions(members_client):
    answer = members_client.post("/predict", content=_rows(MEMBER, _member(age=21)))
    assert answer.status_code == 200, answer.text
    assert answer.json()["model_version"] == "v0001"
    assert len(answer.json()["predictions"]) == 2
    assert answer.headers["x-request-id"]


def test_many_bad_values_get_an_answer_of_a_few_lines(members_client):
    """15 MB in used to be 15 MB out: the answer lists ten problems and a count."""
    rows = [_member(age=ECHO, income=ECHO, extra=ECHO)] * 5
    body = _rows(*rows)
    answer = members_client.post("/predict", content=body)
    _assert_refused(answer, 422, "... and 5 more", body)
    assert len(answer.json()["errors"]) == 11


def test_the_model_refusing_rows_is_logged_with_the_request_id(members_client, caplog):
    """LogisticRegression takes no missing value: the client is told so briefly, the
    log has sklearn's message under the request id."""
    body = _rows(_member(income=None))
    with caplog.at_level(logging.INFO, logger=f"{PACKAGE}.serve"):
        answer = members_client.post(
            "/predict", content=body, headers={"X-Request-ID": "trace-42"}
        )
    _assert_refused(answer, 422, "the model could not predict these rows", body)
    assert answer.json()["request_id"] == "trace-42"
    assert "request trace-42: the model could not predict" in caplog.text
    assert "Input X contains NaN" in caplog.text


def test_a_float_column_takes_null_and_nan_for_a_missing_value(service, tmp_path):
    from sklearn.ensemble import HistGradientBoostingClassifier

    service.save(tmp_path, HistGradientBoostingClassifier(max_iter=3), MEMBERS)
    body = _rows(_member(income=None), MEMBER).replace('"income": 2.5', '"income": NaN')
    answer = service.client(tmp_path).post("/predict", content=body)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["predictions"]) == 2


def test_unnamed_features_take_lists_of_the_trained_width(service, tmp_path):
    import numpy
    from sklearn.linear_model import LogisticRegression

    columns = numpy.array([MEMBERS["age"], MEMBERS["income"], HEIGHTS["shoe"]]).T
    service.save(tmp_path, LogisticRegression(), columns)
    client = service.client(tmp_path)
    assert client.post("/predict", json={"rows": [[1, 2.5, 3]]}).status_code == 200
    for rows, says in (
        ("[[1, 2.5]]", "row 0: List should have at least 3 items"),
        ("[[1, 2.5, 3, 4]]", "row 0: List should have at most 3 items"),
        ("[[1, 2.5, Infinity]]", "row 0, value 2: Infinity is not a value"),
        (f'[[1, "{ECHO}", 3]]', "row 0, value 1: Input should be a valid number"),
        ("[{}]", "row 0: a row is a list of numbers"),
    ):
        body = f'{{"rows": {rows}}}'
        _assert_refused(client.post("/predict", content=body), 422, says, body)


# --- limits: refused before the body is read, whether its size is declared or not ----


def _request(app: Any, headers: list[tuple[bytes, bytes]], chunks: list[bytes]):
    """Send one POST /predict straight to the ASGI app: the status, the answer, and how
    many chunks of the body the app read."""
    read: list[bytes] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if len(read) == len(chunks):
            return {"type": "http.disconnect"}
        read.append(chunks[len(read)])
        return {
            "type": "http.request",
            "body": read[-1],
            "more_body": len(read) < len(chunks),
        }

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/predict",
        "raw_path": b"/predict",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return sent[0]["status"], json.loads(body), len(read)


def test_a_declared_size_over_the_limit_is_refused_without_reading(
    service, members_models
):
    app = service.serve.create_app(str(members_models), max_body_bytes=1000)
    status, answer, read = _request(app, [(b"content-length", b"5000")], [b"x" * 5000])
    assert (status, read) == (413, 0)
    assert (
        answer["detail"]
        == "the body is over 1000 bytes (SERVED_MEMBERS_MAX_BODY_BYTES)"
    )


def test_a_streamed_body_is_refused_once_it_passes_the_limit(service, members_models):
    app = service.serve.create_app(str(members_models), max_body_bytes=1000)
    status, answer, read = _request(app, [], [b" " * 100] * 50)  # no Content-Length
    assert (status, read) == (413, 11)  # it stopped reading at 1,100 bytes
    assert "over 1000 bytes" in answer["detail"]


def test_the_api_key_is_checked_before_the_body_is_read(service, members_models):
    app = service.serve.create_app(str(members_models), api_key=API_KEY)
    status, answer, read = _request(app, [], [_rows(MEMBER).encode()])
    assert (status, answer["detail"], read) == (401, "a valid API key is needed", 0)


def test_limits_through_the_client_and_counted_in_metrics(service, members_models):
    client = service.client(members_models, max_body_bytes=1000)
    big = _rows(*[_member(age=n) for n in range(40)])
    assert len(big) > 1000
    _assert_refused(client.post("/predict", content=big), 413, "over 1000 bytes", big)
    streamed = client.post("/predict", content=iter([big.encode()[:600]] * 3))
    _assert_refused(streamed, 413, "over 1000 bytes", big)
    assert client.post("/predict", content=_rows(MEMBER)).status_code == 200
    metrics = client.get("/metrics").text
    assert 'predict_requests_total{outcome="too_large"} 2.0' in metrics
    assert 'predict_requests_total{outcome="ok"} 1.0' in metrics


def test_limits_come_from_the_environment(service, members_models, monkeypatch):
    monkeypatch.setenv("SERVED_MEMBERS_MAX_ROWS", "2")
    client = service.client(members_models)
    body = _rows(MEMBER, MEMBER, MEMBER)
    _assert_refused(
        client.post("/predict", content=body),
        413,
        "3 rows; at most 2 per request (SERVED_MEMBERS_MAX_ROWS)",
        body,
    )
    monkeypatch.setenv("SERVED_MEMBERS_MAX_ROWS", "many")
    with pytest.raises(ValueError, match="SERVED_MEMBERS_MAX_ROWS must be a whole"):
        service.serve.create_app(str(members_models))


def test_an_api_key_in_the_environment_is_required_but_by_health(
    service, members_models, monkeypatch
):
    monkeypatch.setenv("SERVED_MEMBERS_API_KEY", API_KEY)
    client = service.client(members_models)
    body = _rows(MEMBER)
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"X-API-Key": API_KEY[:-1]},
        {"Authorization": API_KEY},
        {"Authorization": f"Basic {API_KEY}"},
    ):
        answer = client.post("/predict", content=body, headers=headers)
        _assert_refused(answer, 401, "a valid API key is needed", body)
        assert answer.headers["www-authenticate"] == "Bearer"
        assert API_KEY not in answer.text
        assert client.get("/metrics", headers=headers).status_code == 401
    assert client.get("/openapi.json").status_code == 401
    assert client.get("/health").json()["status"] == "ok"
    for headers in ({"Authorization": f"Bearer {API_KEY}"}, {"X-API-Key": API_KEY}):
        assert client.post("/predict", content=body, headers=headers).status_code == 200
        assert client.get("/metrics", headers=headers).status_code == 200
    assert API_KEY not in repr(service.serve.Settings.from_environment())


# --- the schema follows the model version on disk ------------------------------------


@pytest.mark.slow  # starts an interpreter
def test_the_schema_follows_new_versions_and_rollbacks(service, tmp_path, monkeypatch):
    from sklearn.linear_model import LogisticRegression

    loads = []
    real_load = service.serve.load_model

    def counted_load(*args: Any) -> Any:
        loads.append(args[1])
        return real_load(*args)

    monkeypatch.setattr(service.serve, "load_model", counted_load)
    models = tmp_path / "models"
    service.save(models, LogisticRegression(), MEMBERS)
    client = service.client(models)

    def served(row: dict[str, Any]) -> tuple[int, str | None]:
        answer = client.post("/predict", content=_rows(row))
        return answer.status_code, answer.json().get("model_version")

    def documented() -> set[str]:
        schemas = client.get("/openapi.json").json()["components"]["schemas"]
        return set(schemas["Row"]["properties"])

    assert served(MEMBER) == (200, "v0001")
    assert served(HEIGHT) == (422, None)
    assert documented() == set(MEMBER)

    service.save(models, LogisticRegression(), HEIGHTS)  # a new run: v0002, current
    assert served(HEIGHT) == (200, "v0002")
    assert served(MEMBER) == (422, None)
    assert documented() == set(HEIGHT)

    rollback = subprocess.run(
        [sys.executable, "-m", f"{PACKAGE}.models", "use", "v0001",
         "--model-dir", str(models)],
        capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, "PYTHONPATH": str(service.source)},
    )  # fmt: skip
    assert rollback.returncode == 0, rollback.stderr
    assert served(MEMBER) == (200, "v0001")
    assert client.get("/health").json()["model_version"] == "v0001"
    assert documented() == set(MEMBER)

    service.models.use_version(models, "v0002")  # and forward again
    assert served(HEIGHT) == (200, "v0002")
    assert served(HEIGHT) == (200, "v0002")
    # a model is loaded when the version changes, not on every request
    assert loads == ["v0001", "v0002", "v0001", "v0002"]


def test_a_version_that_cannot_load_is_503_until_a_good_one_is_current(
    service, tmp_path, caplog
):
    from sklearn.linear_model import LogisticRegression

    service.save(tmp_path, LogisticRegression(), MEMBERS)
    client = service.client(tmp_path)
    broken = tmp_path / "v0002"
    shutil.copytree(tmp_path / "v0001", broken)
    (broken / "model.joblib").write_bytes(b"not a pickle " + ECHO.encode())
    service.models.use_version(tmp_path, "v0002")
    with caplog.at_level(logging.ERROR, logger=f"{PACKAGE}.serve"):
        answer = client.post("/predict", content=_rows(MEMBER))
    _assert_refused(answer, 503, "the current model cannot be loaded", "")
    assert "cannot load model v0002" in caplog.text
    assert client.get("/health").status_code == 503
    service.models.use_version(tmp_path, "v0001")
    assert client.post("/predict", content=_rows(MEMBER)).status_code == 200
    empty = service.client(tmp_path / "nothing saved yet")
    _assert_refused(empty.get("/health"), 503, "no saved model to serve", "")


# --- any JSON at all gets an answer, never an internal error -------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
ROWS = st.lists(
    st.fixed_dictionaries(
        {}, optional={name: JSON_VALUES for name in ("age", "income", "member", "x")}
    ),
    max_size=7,
)


@pytest.mark.slow  # over half a second: fuzzing or many conversions
@settings(max_examples=150, deadline=None)
@given(body=st.one_of(JSON_VALUES, ROWS.map(lambda rows: {"rows": rows})))
def test_any_json_body_gets_an_answer(members_client, body):
    answer = members_client.post("/predict", content=json.dumps(body))
    assert answer.status_code in (200, 413, 422), answer.text
    if answer.status_code != 200:
        assert set(answer.json()) <= {"detail", "errors", "request_id"}
