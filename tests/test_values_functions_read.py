"""Functions, lambdas and classes that read values a step computes (issue 13): the
package must get those values to them and run as the notebook did, with no unbound
name. Each case converts a small notebook, checks the real ruff finds nothing, runs
the package and reads its log."""

from __future__ import annotations

from test_code_is_pyflakes_clean import converted, run_package

from nb2prod.testing import code, md


def test_a_lambda_bound_in_one_section_is_a_value_of_its_step(tmp_path):
    findings, modules = converted(
        tmp_path,
        md("# Study"),
        code("rate = 3\nsquare = lambda v: v * v\nscaled = lambda v: v * rate"),
        md("## Use"),
        code("print(square(3), scaled(2))\nprint(list(map(square, [1, 2])))"),
    )
    assert findings == []
    assert not any("import square" in text for text in modules.values())
    log = run_package(tmp_path)
    assert "9 6" in log and "[1, 4]" in log


def test_a_function_calling_a_lambda_gets_the_lambda(tmp_path):
    findings, _ = converted(
        tmp_path,
        md("# Study"),
        code("k = 3\nsq = lambda v: v * k\ndef f(x):\n    return sq(x) + 1"),
        md("## Use"),
        code("print(f(2))"),
    )
    assert findings == []
    assert "INFO study.use: 7" in run_package(tmp_path)


def test_a_function_handed_over_in_a_container_keeps_what_it_reads(tmp_path):
    findings, _ = converted(
        tmp_path,
        md("# Study"),
        code("k = 2\ndef double(v):\n    return v * k\nops = {'double': double}"),
        code("pipeline = [double, double]\nfirst = pipeline[0]"),
        md("## Use"),
        code("print(ops['double'](3), first(4))"),
    )
    assert findings == []
    assert "INFO study.use: 6 8" in run_package(tmp_path)
