"""``impact-search``: validate, index, serve, search and find similar case studies.

A thin shell over the library: every command's work is a function elsewhere, and every error
says what to do next. Each command imports what it needs when it runs: importing this module
(and so ``--help`` and ``validate``) never loads nltk, Whoosh, scikit-learn or Flask, which
together take seconds (a test keeps it so; bench/cli_startup.py measures it).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from indexer.errors import BuildLockedError, IndexProblem, InvalidCorpusError
from indexer.generations import read_current
from indexer.paths import corpus_dir

__all__ = ["main", "default_index_dir"]


def default_index_dir() -> Path:
    """``IMPACT_SEARCH_INDEX_DIR``, else ``index/`` in the Flask instance folder."""
    env = os.environ.get("IMPACT_SEARCH_INDEX_DIR")
    if env:
        return Path(env)
    # Where Flask puts this app's instance folder (beside the package in a checkout, under
    # sys.prefix/var when installed), found without building the app; a test checks it
    # agrees with create_app().
    from flask.sansio.scaffold import find_package

    prefix, package_path = find_package("search_service")
    if prefix is None:
        return Path(package_path) / "instance" / "index"
    return Path(prefix) / "var" / "search_service-instance" / "index"


def _index_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--index", "index_dir", type=click.Path(path_type=Path), default=None,
        help="Index folder. Default: $IMPACT_SEARCH_INDEX_DIR, else instance/index.",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="impact-search", prog_name="impact-search")
def main() -> None:
    """Search NHS library and knowledge service impact case studies."""


@main.command()
@click.argument("corpus", required=False, type=click.Path(path_type=Path))
def validate(corpus: Path | None) -> None:
    """Check every case study file in CORPUS (default: the bundled corpus/cases)."""
    from indexer.sources.corpus import load_corpus

    corpus = corpus or corpus_dir() / "cases"
    try:
        result = load_corpus(corpus)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in result.problems:
        click.echo(str(problem))
    if result.problems:
        click.echo(f"{len(result.skipped)} of {len(result.files)} files have problems; "
                   "fix them and run `impact-search validate` again.", err=True)
        sys.exit(1)
    click.echo(f"{len(result.files)} files, all valid.")


@main.command()
@click.option("--corpus", type=click.Path(path_type=Path), default=None,
              help="Folder of case study JSON files. Default: the bundled corpus/cases.")
@_index_option
@click.option("--skip-invalid", is_flag=True,
              help="Build from the valid records and report the invalid ones.")
@click.option("--procs", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Whoosh writer processes.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--if-missing", is_flag=True, help="Do nothing if a live index exists.")
@click.option("--if-stale", is_flag=True,
              help="Do nothing if the live index was built from this corpus as it is now.")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="When another build is writing into the same index folder: wait for it, "
                   "or stop at once.")
def index(corpus: Path | None, index_dir: Path | None, skip_invalid: bool, procs: int,
          quiet: bool, if_missing: bool, if_stale: bool, wait: bool) -> None:
    """Validate the corpus and build a new index generation, then switch to it."""
    corpus = corpus or corpus_dir() / "cases"
    index_dir = index_dir or default_index_dir()
    if if_missing and _usable_index(index_dir):
        click.echo(f"An index already exists in {index_dir}; not rebuilding.")
        return
    if if_stale and _up_to_date(index_dir, corpus):
        return
    # Only now: the builder imports nltk, Whoosh and scikit-learn (seconds).
    from tqdm import tqdm

    from indexer.build import build_index
    bars: list[Any] = []

    def progress(total: int) -> Callable[[int], None]:
        bar = tqdm(total=total, desc="indexing", unit="step", disable=quiet, leave=False)
        bars.append(bar)
        return bar.update  # type: ignore[no-any-return]

    def waiting(holder: str) -> None:
        click.echo(f"Another build (pid {holder}) is writing into {index_dir}; waiting for it "
                   "to finish...", err=True)

    try:
        report = build_index(corpus, index_dir, skip_invalid=skip_invalid, procs=procs,
                             progress_factory=progress, wait=wait, on_wait=waiting)
    except BuildLockedError as exc:
        raise click.ClickException(str(exc)) from None
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(_write_problem(exc, index_dir)) from None
    except InvalidCorpusError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{len(exc.problems)} problem(s) in {corpus}; nothing was built. Fix them, or "
            "run `impact-search index --skip-invalid` to build from the valid records."
        ) from None
    finally:
        for bar in bars:
            bar.close()
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    size_mb = report.bytes_on_disk / 1_000_000
    click.echo(f"Indexed {report.documents} case studies in {report.seconds:.1f} s, "
               f"{size_mb:.1f} MB on disk ({len(report.skipped)} invalid skipped, "
               f"{report.withheld} withheld without consent) -> {report.generation}")


def _write_problem(error: OSError, index_dir: Path) -> str:
    """What to do when the index cannot be written: nothing was published in any case."""
    where = f"Cannot write the index in {index_dir}: {error.strerror or error}"
    if error.errno == errno.ENOSPC:
        return (f"{where}. Free some space on that disk (a build needs about twice the size "
                "of one generation) and run `impact-search index` again; the live index is "
                "unchanged.")
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (f"{where}. Make the folder writable by this account, or pass --index with "
                "a folder that is; the live index is unchanged.")
    return f"{where}. Nothing was published; the live index is unchanged."
@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--listing", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The national listing (CSV, JSON or XLSX): one row of metadata per document.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("imported"),
              show_default=True, help="Folder of imported records (never the bundled sample).")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Write the report as CSV here, and as HTML beside it.")
@click.option("--published", is_flag=True,
              help="Mark the records as published (consent.external): the listing is public.")
@click.option("--names-consented", is_flag=True,
              help="The people quoted agreed to be named (consent.named).")
@click.option("--workers", type=click.IntRange(1, 16), default=None,
              help="Processes reading documents. Default: up to 2.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def import_(paths: tuple[Path, ...], listing: Path | None, out: Path, report_path: Path | None,
            published: bool, names_consented: bool, workers: int | None, quiet: bool) -> None:
    """Import Word, PDF, web and text documents (files or folders) as case study records.

    Then `impact-search index --corpus OUT` indexes them. A file that cannot be read is
    reported with what to do, and the rest carry on.
    """
    from tqdm import tqdm

    from indexer.sources.importer import ImportProblem, import_paths, write_report
    from indexer.sources.importer.run import discover

    for path in (*paths, *([listing] if listing else [])):
        if not path.exists():
            raise click.ClickException(f"{path} does not exist; check the path")
    total = len(discover(paths, skip={listing} if listing else None))
    with tqdm(total=total, desc="importing", unit="file", disable=quiet, leave=False) as bar:
        try:
            summary = import_paths(paths, out=out, listing=listing, published=published,
                                   names_consented=names_consented, workers=workers,
                                   progress=lambda _: bar.update())
        except ImportProblem as exc:
            raise click.ClickException(f"{exc}; nothing was imported") from None
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    for result in summary.results:
        if result.status == "error":
            click.echo(f"{result.source}: {result.error}", err=True)
    if report_path is not None:
        csv_path, html_path = write_report(summary, report_path)
        click.echo(f"Report: {csv_path} and {html_path}")
    click.echo(summary.line())
    if summary.count("error"):
        sys.exit(1)


def _usable_index(index_dir: Path) -> bool:
    """A live generation this version can read (an old format is rebuilt, not served)."""
    from indexer.manifest import read_manifest  # importlib.metadata: not for --help

    live = read_current(index_dir)
    if live is None:
        return False
    try:
        read_manifest(index_dir / live)
    except IndexProblem as exc:
        click.echo(f"Rebuilding: {exc}")
        return False
    return True


def _up_to_date(index_dir: Path, corpus: Path) -> bool:
    """Whether the live index was built from ``corpus`` as it is now; says which, and why."""
    from indexer.manifest import read_manifest
    from indexer.sources.corpus import corpus_files, corpus_hash

    if read_current(index_dir) is None:
        click.echo(f"No index in {index_dir} yet; building one.")
        return False
    if not _usable_index(index_dir):  # says why it is rebuilt
        return False
    try:
        current = corpus_hash(corpus_files(corpus))
    except FileNotFoundError:
        return False  # the build says what is wrong with the corpus
    live = index_dir / str(read_current(index_dir))
    manifest = read_manifest(live)
    revision = manifest.source.get("database_revision")
    if revision is not None:
        # Published through the workflow: the database is the collection now, and the index
        # follows it (a folder build would drop what reviewers published).
        click.echo(f"The index in {index_dir} follows the workflow database (revision "
                   f"{revision}); not rebuilding from {corpus}. Load a folder into the database "
                   "with `impact-search db load FOLDER`.")
        return True
    built_from = manifest.parameters.get("corpus")
    if built_from and built_from != str(corpus.resolve()):
        click.echo(f"The index in {index_dir} was built from {built_from}; rebuilding from "
                   f"{corpus}.")
        return False
    if manifest.corpus_sha256 == current:
        click.echo(f"The index in {index_dir} is up to date with {corpus} "
                   f"({manifest.documents} case studies); not rebuilding.")
        return True
    click.echo(f"The case studies in {corpus} changed since the index was built "
               f"({manifest.built_at}); rebuilding.")
    return False


@main.command()
@_index_option
@click.option("--host", default="127.0.0.1", show_default=True, envvar="IMPACT_SEARCH_HOST",
              help="Address to listen on (environment: IMPACT_SEARCH_HOST).")
@click.option("--port", default=5000, show_default=True, type=int, envvar="IMPACT_SEARCH_PORT",
              help="Port to listen on (environment: IMPACT_SEARCH_PORT).")
@click.option("--prod", is_flag=True,
              help="Serve with gunicorn worker processes (see the README for nginx).")
@click.option("--workers", default=(os.cpu_count() or 1) * 2 + 1, show_default="2 x cores + 1",
              type=click.IntRange(1, 64), help="With --prod: worker processes.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="With --prod: threads per worker (searches in one worker take turns).")
@click.option("--timeout", default=30, show_default=True, type=click.IntRange(5, 600),
              help="With --prod: seconds before a stuck worker is restarted.")
def serve(index_dir: Path | None, host: str, port: int, prod: bool, workers: int,
          threads: int, timeout: int) -> None:
    """Serve the site and API (Flask's server, or gunicorn with --prod)."""
    config = {"INDEX_DIR": str(index_dir)} if index_dir else None
    _check_settings(config)
    if prod:
        _serve_prod(index_dir or default_index_dir(), host, port, workers, threads, timeout)
        return
    from search_service import create_app

    app = create_app(config)
    _require_index(app.config["INDEX_DIR"])
    app.run(host=host, port=port)


def _check_settings(config: dict[str, Any] | None) -> None:
    """Refuse to start, with one line per bad setting, before any worker is started."""
    from flask import Flask

    from search_service.settings import SettingsError, load_config

    try:
        load_config(Flask("search_service", instance_relative_config=True), config)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def _serve_prod(index_dir: Path, host: str, port: int, workers: int, threads: int,
                timeout: int) -> None:
    # Before anything imports prometheus_client: its multiprocess mode is chosen at import.
    run_dir = _prepare_run_dir()
    master = os.getpid()
    try:
        from search_service.production.server import serve_prod

        # Check the index in the master, then close it: workers open their own after the fork.
        _require_index(str(index_dir)).close()
        serve_prod({"INDEX_DIR": str(index_dir), "SERVER_RUN_DIR": run_dir, "PRODUCTION": True},
                   host, port, workers, timeout, threads)
    finally:
        # gunicorn's workers are forks of this process and leave through here too.
        if os.getpid() == master:
            shutil.rmtree(run_dir, ignore_errors=True)


def _prepare_run_dir() -> str:
    """A fresh folder for this server's state, removed when it stops (see ``server``).

    Set before anything imports the production package: prometheus_client chooses its
    multiprocess storage when it is first imported, so this cannot live beside the metrics.
    A ``PROMETHEUS_MULTIPROC_DIR`` given by the operator is emptied and used for the metrics.
    """
    run_dir = tempfile.mkdtemp(prefix="impact-search-run-")
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        folder = os.path.join(run_dir, "metrics")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    os.makedirs(folder)
    return run_dir


def _require_index(index_dir: str) -> Any:
    from search_service.engine.live import LiveIndex

    try:
        return LiveIndex(Path(index_dir)).current()
    except IndexProblem as exc:
        raise click.ClickException(str(exc)) from None


def _generation(index_dir: Path | None) -> Any:
    return _require_index(str(index_dir or default_index_dir()))


@main.command()
@click.argument("query")
@_index_option
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
@click.option("--per-page", default=10, show_default=True, type=int)
def search(query: str, index_dir: Path | None, as_json: bool, per_page: int) -> None:
    """Search the index for QUERY."""
    from search_service.engine.errors import ParameterError, QueryError
    from search_service.engine.params import SearchParams
    from search_service.engine.search import search as run_search

    generation = _generation(index_dir)
    try:
        params = SearchParams.from_args({"q": [query], "per_page": [str(per_page)]},
                                        generation.columns.keys)
        page = run_search(generation, params)
    except (ParameterError, QueryError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(page.to_json(), indent=2, ensure_ascii=False))
        return
    for notice in page.notices:
        click.echo(f"note: {notice}")
    click.echo(f"{page.total} case studies match")
    shown_related = False
    for hit in page.hits:
        if hit.fields.get("related") and not shown_related:
            click.echo("related case studies (without the words):")
            shown_related = True
        score = f"{hit.score:7.3f}" if hit.score is not None else "       "
        click.echo(f"{score}  {hit.id}  {hit.title}")


@main.command()
@click.argument("case_id", required=False)
@click.option("--text", help="A draft: its title and a few sentences.")
@_index_option
@click.option("-k", default=5, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
def similar(case_id: str | None, text: str | None, index_dir: Path | None, k: int,
            as_json: bool) -> None:
    """Case studies most like CASE_ID, or like a draft given with --text."""
    from search_service.engine.errors import NotFound, ParameterError
    from search_service.engine.similar import similar_to_case, similar_to_text

    if (case_id is None) == (text is None):
        raise click.UsageError("give a case id or --text, not both")
    generation = _generation(index_dir)
    try:
        page = (similar_to_case(generation, case_id, k) if case_id is not None
                else similar_to_text(generation, text or "", k))
    except (ParameterError, NotFound) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(page.to_json(), indent=2, ensure_ascii=False))
        return
    for hit in page.hits:
        words = ", ".join(hit.reasons["terms"][:5])
        click.echo(f"{hit.score:.3f}  {hit.id}  {hit.title}\n       shared words: {words}")


def _add_workflow_commands() -> None:
    from search_service.workflow.commands import COMMANDS

    for command in COMMANDS:
        main.add_command(command)


_add_workflow_commands()


@main.command("eval")
@click.option("--beir", "beir_dir", required=True, type=click.Path(path_type=Path),
              help="A BEIR-format folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv.")
@click.option("--split", type=click.Choice(["train", "dev", "test"]), default="test",
              show_default=True)
@click.option("--k", "k", default=10, show_default=True, type=click.IntRange(1, 100),
              help="Cut-off of nDCG.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def evaluate(beir_dir: Path, split: str, k: int, as_json: bool) -> None:
    """Ranking quality on a BEIR collection, indexed and queried as the service does."""
    from search_service.engine.evaluation import evaluate_service

    try:
        result = evaluate_service(beir_dir, split, k)
    except FileNotFoundError as exc:
        raise click.ClickException(f"{exc}; pass --beir a BEIR folder") from None
    if as_json:
        click.echo(json.dumps({**result.to_json(), "k": k}))
        return
    click.echo(f"nDCG@{k}        {result.ndcg_at_10:.4f}")
    click.echo(f"Recall@100     {result.recall_at_100:.4f}")
    click.echo(f"mean query     {result.mean_ms:.2f} ms ({result.mean_cpu_ms:.2f} ms CPU)")
    click.echo(f"no-hit queries {result.no_hit_queries} of {result.queries}")
    if result.truncated_queries:
        click.echo(f"note: {result.truncated_queries} queries were cut to the query bounds")
