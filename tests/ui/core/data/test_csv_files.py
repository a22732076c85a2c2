"""Users' CSV files: every rejection path says what and where; good files round-trip; fuzzing finds
nothing but ValueError or a valid table."""

import csv
import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnlib.datasets import DATASETS, DOMAIN, KINDS, generate
from ui.core.data.csv_files import load_csv, read_csv_table, to_csv

GOOD = "x1,x2,label\n1,2,0\n-3.5,4,1\n0,0,1\n"


def assert_valid(X, y, kind):
    assert X.dtype == np.float64 and X.ndim == 2 and X.shape[1] == 2 and len(X) >= 1
    assert np.isfinite(X).all() and X.min() >= DOMAIN[0] and X.max() <= DOMAIN[1]
    assert y.shape == (len(X),)
    assert kind in KINDS
    if kind == "regression":
        assert y.dtype == np.float64 and np.isfinite(y).all()
    else:
        assert y.dtype == np.int64
        k = len(np.unique(y))
        np.testing.assert_array_equal(np.unique(y), np.arange(k))
        assert 2 <= k <= 10 and (kind == "binary") == (k == 2)


# --- good files ----------------------------------------------------------------------------------------


def test_reads_bytes_text_and_file_objects_alike():
    for source in (GOOD, GOOD.encode(), io.BytesIO(GOOD.encode())):
        X, y, kind = load_csv(source)
        np.testing.assert_array_equal(X, [[1, 2], [-3.5, 4], [0, 0]])
        np.testing.assert_array_equal(y, [0, 1, 1])
        assert y.dtype == np.int64 and kind == "binary"


def test_header_case_spaces_and_order_do_not_matter():
    X, y, kind = load_csv(" Label ,X2 , x1\n0,2,1\n1,4,3\n")
    np.testing.assert_array_equal(X, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(y, [0, 1])


def test_bom_crlf_quotes_and_blank_lines_are_fine():
    data = b'\xef\xbb\xbfx1,x2,label\r\n"1.5", 2 ,0\r\n\r\n3,4,1\r\n,,\r\n'
    X, y, _ = load_csv(data)
    np.testing.assert_array_equal(X, [[1.5, 2], [3, 4]])
    np.testing.assert_array_equal(y, [0, 1])
    X, _, _ = load_csv("\ufeff" + GOOD)
    assert len(X) == 3


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_round_trip_of_every_generated_set(name):
    X, y = generate(name, 200, noise=0.5, seed=1)  # max noise: some points sit exactly on the border
    X2, y2, kind = load_csv(to_csv(X, y))
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)
    assert y2.dtype == y.dtype and kind == DATASETS[name].kind


def test_to_csv_format():
    text = to_csv(np.array([[0.1, -2.0]]), np.array([1]))
    assert text == "x1,x2,label\n0.1,-2.0,1\n"
    assert to_csv([[1 / 3, 2]], [0.25]).splitlines()[1] == f"{1 / 3!r},2.0,0.25"


def test_to_csv_rejects_bad_arrays():
    with pytest.raises(ValueError, match=r"to_csv needs numeric X \(n, 2\) and y \(n,\), received X \(3,\)"):
        to_csv(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        to_csv([[np.nan, 0]], [1])


def test_text_labels_are_numbered_in_sorted_order():
    table = read_csv_table("x1,x2,label\n0,0,dog\n1,1,cat\n2,2,dog\n3,3,emu\n")
    np.testing.assert_array_equal(table.y, [1, 0, 1, 2])
    assert table.class_names == ("cat", "dog", "emu") and table.kind == "multiclass"
    assert any("cat, dog, emu" in note for note in table.notes)


def test_integer_labels_zero_to_k_keep_their_ids():
    table = read_csv_table("x1,x2,label\n" + "".join(f"{i},0,{i % 10}\n" for i in range(-5, 5)))
    assert table.kind == "multiclass" and table.class_names == tuple(str(i) for i in range(10))
    np.testing.assert_array_equal(table.y, [i % 10 for i in range(-5, 5)])
    assert table.notes == ()


def test_other_integer_labels_become_classes_with_a_note():
    table = read_csv_table("x1,x2,label\n0,0,1\n1,1,-1\n2,2,1.0\n")
    assert table.kind == "binary" and table.class_names == ("-1", "1")
    np.testing.assert_array_equal(table.y, [1, 0, 1])
    assert table.notes == ("Labels -1, 1 were numbered as classes 0..1.",)


def test_fractional_labels_are_regression():
    X, y, kind = load_csv("x1,x2,label\n0,0,0.5\n1,1,-2\n2,2,3.25\n")
    assert kind == "regression" and y.dtype == np.float64
    np.testing.assert_array_equal(y, [0.5, -2, 3.25])


def test_a_regression_target_says_why_it_is_one():
    fractional = read_csv_table("x1,x2,label\n0,0,0.5\n1,1,-2\n2,2,3.25\n")
    assert fractional.notes == ("The labels are numbers that are not all whole: a regression target, "
                                "not classes.",)
    many = read_csv_table("x1,x2,label\n" + "".join(f"0,0,{i}\n" for i in range(11)))
    assert many.notes == ("The labels are 11 different numbers, more than 10 classes: a regression target.",)


def test_many_integer_values_are_regression():
    text = "x1,x2,label\n" + "".join(f"0,0,{i}\n" for i in range(11))
    _, y, kind = load_csv(text)
    assert kind == "regression" and y.dtype == np.float64 and y.tolist() == list(range(11))


def test_an_axis_that_the_shared_scale_squashes_is_named():
    """x1 up to 1000 and x2 within ±5: one scale for both axes leaves x2 a sliver, and the note says so."""
    rows = "".join(f"{i * 10},{(i % 11) - 5},{i % 2}\n" for i in range(101))
    table = read_csv_table("x1,x2,label\n" + rows)
    assert np.ptp(table.X[:, 1]) < 0.2
    assert table.notes[-1] == ("x2 now spans only 1% of the plane (0.12 of 12): if its shape matters, put x1 and "
                               "x2 on similar ranges before uploading.")


def test_coordinates_outside_the_domain_are_rescaled_and_the_reader_is_told():
    table = read_csv_table("x1,x2,label\n0,0,0\n100,50,1\n50,25,1\n")
    np.testing.assert_allclose(table.X, [[-6, -6], [6, 0], [0, -3]])  # one scale for both axes
    assert table.notes == (
        "Coordinates were rescaled from [0, 100] to [-6, 6] (one linear map for both axes, "
        "so shapes keep their proportions).",
    )


def test_coordinates_inside_the_domain_are_untouched():
    table = read_csv_table("x1,x2,label\n-6,0.001,0\n6,2,1\n")
    np.testing.assert_array_equal(table.X, [[-6, 0.001], [6, 2]])
    assert table.notes == ()


def test_huge_coordinates_do_not_overflow():
    X, _, _ = load_csv("x1,x2,label\n-1.7e308,0,0\n1.7e308,1e-300,1\n")
    assert np.isfinite(X).all()
    np.testing.assert_allclose(X, [[-6, 0], [6, 0]], atol=1e-12)


def test_file_object_is_read_only_up_to_the_limit():
    reads = []

    class Upload(io.BytesIO):
        def read(self, size=-1):
            reads.append(size)
            return super().read(size)

    upload = Upload(b"x1,x2,label\n" + b"1,2,0\n" * 1_000_000)
    with pytest.raises(ValueError, match=r"larger than max_bytes=1000 bytes"):
        load_csv(upload, max_bytes=1000)
    assert reads == [1001] and upload.tell() == 1001


def test_exactly_max_rows_and_max_bytes_pass():
    text = "x1,x2,label\n" + "1,2,0\n3,4,1\n" * 2
    assert len(load_csv(text, max_rows=4, max_bytes=len(text))[0]) == 4


# --- rejections: one per path, each saying what and where --------------------------------------------


@pytest.mark.parametrize(("data", "message"), [
    (b"", r"the file is empty"),
    (" \n\n \n", r"the file is empty"),
    ("x1,x2,label\n", r"the file has a header but no data rows"),
    ("1,2,0\n3,4,1\n", r"no header: the first row '1,2,0' looks like data; the first row must name"),
    ("x1,x2\n1,2\n", r"missing column 'label'; the header must name x1, x2, label, found \['x1', 'x2'\]"),
    ("x,y,label\n1,2,0\n", r"missing column 'x1'"),
    ("x1,x2,label,z\n1,2,0,5\n", r"unexpected column 'z' \(column 4\); only x1, x2, label are allowed"),
    ("x1,x2,label,\n1,2,0,\n", r"unexpected column '' \(column 4\)"),
    ("x1,X1,x2,label\n1,1,2,0\n", r"duplicate column 'x1'"),
    ("x1,x2,label\n1,2,0\nabc,3,1\n", r"row 3, column 'x1': 'abc' is not a number"),
    ("x1,x2,label\n1,,0\n", r"row 2, column 'x2': empty value"),
    ("x1,x2,label\n1,nan,0\n2,3,1\n", r"row 2, column 'x2': 'nan' is not finite"),
    ("x1,x2,label\n1,2,0\n2,-inf,1\n", r"row 3, column 'x2': '-inf' is not finite"),
    ("x1,x2,label\n1,2,0\n2,1e999,1\n", r"row 3, column 'x2': '1e999' is not finite"),
    ("x1,x2,label\n1,2,0\n2,3,inf\n", r"row 3, column 'label': 'inf' is not finite"),
    ("x1,x2,label\n1,2,0\n2,3,\n", r"row 3, column 'label': empty value"),
    ("x1,x2,label\n1,2,0\n3,4,1,9\n", r"row 3 has 4 fields; the header has 3"),
    ("x1,x2,label\n1,2\n3,4,1\n", r"row 2 has 2 fields; the header has 3"),
    ("x1,x2,label\n1,2,1\n3,4,1\n", r"the label column has a single value \(1\); need at least two"),
    ("x1,x2,label\n1,2,cat\n3,4,cat\n", r"the label column has a single class \('cat'\)"),
    ("x1,x2,label\n" + "".join(f"0,0,c{i}\n" for i in range(11)), r"has 11 classes; at most 10 are allowed"),
    (b"x1,x2,label\n1,2,0\n\x00\x01\x02", r"binary file, not CSV text \(NUL byte on row 3, offset 18\)"),
    ("x1,x2,label\n1,2,café\n3,4,b\n".encode("latin-1"), r"not UTF-8 text \(byte 0xe9 on row 2, offset 19\)"),
    ("x1,x2,label\n1,2,0\n".encode("utf-16"), r"UTF-16"),
    ('x1,x2,label\n1,2,"' + "a" * 200_000 + '"\n', r"row 2: not valid CSV \(field larger than field limit"),
])
def test_rejections(data, message):
    with pytest.raises(ValueError, match=message):
        load_csv(data)


def test_too_many_rows():
    text = "x1,x2,label\n" + "1,2,0\n3,4,1\n" * 3
    with pytest.raises(ValueError, match=r"the file has more than max_rows=5 data rows"):
        load_csv(text, max_rows=5)


def test_too_many_bytes():
    with pytest.raises(ValueError, match=r"the file is larger than max_bytes=20 bytes"):
        load_csv(GOOD.encode(), max_bytes=20)
    with pytest.raises(ValueError, match=r"the file is larger than max_bytes=20 bytes"):
        load_csv(GOOD, max_bytes=20)


def test_bad_limits_and_source_type():
    with pytest.raises(ValueError, match=r"max_rows must be a positive int, received 0"):
        load_csv(GOOD, max_rows=0)
    with pytest.raises(ValueError, match=r"max_bytes must be a positive int, received 1.5"):
        load_csv(GOOD, max_bytes=1.5)
    with pytest.raises(TypeError, match=r"load_csv needs bytes, str or a binary file object, received int"):
        load_csv(42)


# --- fuzzing: only ValueError or a valid table ---------------------------------------------------------


def _load_or_value_error(data):
    try:
        X, y, kind = load_csv(data, max_rows=50)
    except ValueError:
        return
    assert_valid(X, y, kind)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(data):
    _load_or_value_error(data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_after_a_good_header(data):
    _load_or_value_error(b"x1,x2,label\n" + data)


coordinates = st.one_of(st.floats(-20, 20).map(repr), st.integers(-8, 8).map(str))
labels = st.one_of(st.integers(-1, 3).map(str), st.sampled_from(["cat", "dog", "0.5", "2.0"]))
junk = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "nan", "inf", "-0", "1e400", '"', "a,b", "1_0", "\u0661", "\r", "\n"]),
    st.text(max_size=6),
)


@st.composite
def tables(draw):
    """Mostly well-formed tables with random column order and spelling; some cells, rows or headers
    are spoiled, so both the valid path and every rejection path get exercised."""
    order = draw(st.permutations(["x1", "x2", "label"]))
    cases = st.sampled_from([str.lower, str.upper])
    header = [draw(cases)(c) + draw(st.sampled_from(["", " "])) for c in order]
    if draw(st.integers(0, 5)) == 0:
        header.insert(draw(st.integers(0, 3)), draw(st.sampled_from(["x3", "", "1", "x1"])))
    spoil = draw(st.sampled_from([0.0, 0.0, 0.05, 0.3]))  # share of junk cells
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        row = [draw(labels if name.strip().lower() == "label" else coordinates) for name in header]
        row = [draw(junk) if draw(st.floats(0, 1)) < spoil else cell for cell in row]
        if spoil and draw(st.integers(0, 9)) == 0:
            row = row[:-1] if draw(st.booleans()) else [*row, "7"]
        rows.append(row)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerows([header, *rows])
    text = buffer.getvalue()
    return text.encode("utf-8", "surrogatepass") if draw(st.booleans()) else text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_random_tables(data):
    _load_or_value_error(data)


points = st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.integers(0, 3))


@settings(max_examples=100, deadline=None)
@given(st.lists(points, min_size=4, max_size=30))
def test_random_valid_tables_are_read_back(points):
    X = np.array([p[:2] for p in points])
    y = np.array([p[2] for p in points])
    if len(np.unique(y)) < 2:
        return
    table = read_csv_table(to_csv(X, y))
    assert_valid(table.X, table.y, table.kind)
    assert len(table.class_names) == len(np.unique(y))
    inside = X.min() >= DOMAIN[0] and X.max() <= DOMAIN[1]
    assert any("rescaled" in note for note in table.notes) == (not inside)
    if inside:
        np.testing.assert_array_equal(table.X, X)
