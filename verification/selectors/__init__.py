"""Reads of the verification pages, one module per page family: ``internal`` (内部検証結果の入力),
``panel`` (有識者会議の検証), ``publication`` (年度の公表) and ``changes`` (最近の変更). Each
function's docstring lists the queries it runs. The reference grades they show are computed by
verification.grading; the writes live in verification.services."""
