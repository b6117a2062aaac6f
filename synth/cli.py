"""The `ouro` command line. Heavy imports (Slither, web3) happen inside the commands."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console(stderr=False, highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_FINDINGS, EXIT_TOOL_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ouro-contracts", prog_name="ouro")
def main() -> None:
    """ouro: synthesise Solidity from specs and prove it safe or unsafe."""


# --------------------------------------------------------------------------- doctor
@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def doctor(as_json: bool) -> None:
    """Check every component ouro needs and say how to fix what is missing."""
    from verify.doctor import is_healthy, run_checks

    checks = run_checks()
    if as_json:
        console.print_json(json.dumps([c.__dict__ for c in checks]))
    else:
        table = Table(title="ouro doctor")
        for col in ("component", "status", "detail", "fix"):
            table.add_column(col, overflow="fold")
        for c in checks:
            status = "[green]OK[/]" if c.ok else ("[red]MISSING[/]" if c.required else "[yellow]optional[/]")
            table.add_row(c.component, status, c.detail, "" if c.ok else c.fix)
        console.print(table)
    sys.exit(EXIT_OK if is_healthy(checks) else EXIT_FINDINGS)


# --------------------------------------------------------------------------- compile
@main.command("compile")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--solc-version", help="Use this solc release instead of resolving the pragma.")
@click.option("--evm-version", help="Target EVM version (e.g. shanghai, paris).")
@click.option("--json", "as_json", is_flag=True, help="Print ABI and bytecode as JSON.")
def compile_cmd(files: tuple[Path, ...], solc_version: str | None, evm_version: str | None, as_json: bool) -> None:
    """Compile Solidity files with the compiler version each pragma needs."""
    from verify.compile import CompileError, Compiler, NoCompilerError

    compiler = Compiler(evm_version=evm_version)
    out, failed = [], False
    for f in files:
        try:
            res = compiler.compile_file(f, version=solc_version)
        except CompileError as exc:
            failed = True
            err.print(f"[red]error[/] {exc}", markup=True)
            out.append({"file": str(f), "status": "compile-error", "error": str(exc)})
            continue
        except NoCompilerError as exc:
            failed = True
            err.print(f"[red]error[/] {f}: {exc}")
            out.append({"file": str(f), "status": "error", "error": str(exc)})
            continue
        for w in res.warnings:
            err.print(f"[yellow]warning[/] {w}")
        own = res.own_contracts()
        out.append({
            "file": str(f), "status": "ok", "compiler": f"solc {res.version} ({res.backend})",
            "contracts": {c.name: {"abi": c.abi, "bytecode": c.bytecode} for c in own},
        })
        if not as_json:
            console.print(f"[green]ok[/] {f}: solc {res.version} ({res.backend}), "
                          f"contracts: {', '.join(c.name for c in own) or '-'}")
    if as_json:
        console.print_json(json.dumps(out))
    sys.exit(EXIT_TOOL_ERROR if failed else EXIT_OK)


# --------------------------------------------------------------------------- compilers
@main.group()
def compilers() -> None:
    """Install and inspect Solidity compiler releases."""


def _check_versions(versions: tuple[str, ...]) -> None:
    from verify.compile import known_versions
    from verify.compile.versions import summarize_versions

    unknown = [v for v in versions if v not in known_versions()]
    if unknown:
        err.print(f"[red]error[/] unknown solc release(s): {', '.join(unknown)}; "
                  f"available: {summarize_versions(known_versions())}")
        sys.exit(EXIT_TOOL_ERROR)


@compilers.command("install")
@click.argument("versions", nargs=-1, required=True)
@click.option("--solcx", is_flag=True, help="Also register each one for py-solc-x and brownie (~/.solcx).")
@click.option("--quiet", is_flag=True)
def compilers_install(versions: tuple[str, ...], solcx: bool, quiet: bool) -> None:
    """Make VERSIONS available (native solc if present, else solc-js from npm)."""
    from verify.compile import NoCompilerError, install_into_solcx, select_backend

    _check_versions(versions)
    failed = False
    for v in versions:
        try:
            backend = select_backend(v, install=True)
            exe = backend.executable(v)
            extra = ""
            if solcx and backend.name == "solc-js":
                dest = install_into_solcx(v)
                extra = f", brownie/py-solc-x: {dest}" if dest else ""
            if not quiet:
                console.print(f"[green]ok[/] solc {v}: {backend.name} {exe}{extra}")
        except NoCompilerError as exc:
            failed = True
            err.print(f"[red]error[/] solc {v}: {exc}")
    sys.exit(EXIT_TOOL_ERROR if failed else EXIT_OK)


@compilers.command("list")
def compilers_list() -> None:
    """Installed releases per backend, and every release that can be installed."""
    from verify.compile import BACKENDS, known_versions
    from verify.compile.versions import summarize_versions

    for b in BACKENDS:
        vs = sorted(b.installed_versions(), key=lambda s: tuple(map(int, s.split("."))))
        console.print(f"{b.name} (priority {b.priority}): {', '.join(vs) or '-'}")
    console.print(f"installable: {summarize_versions(known_versions())}")


@compilers.command("resolve")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def compilers_resolve(files: tuple[Path, ...]) -> None:
    """Print the solc release each file's pragmas resolve to."""
    from verify.compile import Compiler, PragmaError

    c, failed = Compiler(install=False), False
    for f in files:
        try:
            console.print(f"{f}: {c.resolve_version(f)}")
        except PragmaError as exc:
            failed = True
            err.print(f"[red]error[/] {exc}")
    sys.exit(EXIT_TOOL_ERROR if failed else EXIT_OK)


@compilers.command("path")
@click.argument("version")
def compilers_path(version: str) -> None:
    """Print a native-CLI-compatible solc executable for VERSION (for slither --solc, forge --use)."""
    from verify.compile import NoCompilerError, select_backend

    _check_versions((version,))
    try:
        console.print(str(select_backend(version).executable(version)), soft_wrap=True)
    except NoCompilerError as exc:
        err.print(f"[red]error[/] {exc}")
        sys.exit(EXIT_TOOL_ERROR)


# --------------------------------------------------------------------------- chains
@main.group()
def chains() -> None:
    """Local chains (Anvil, Ganache) bound to 127.0.0.1."""


@chains.command("start")
@click.option("--backend", type=click.Choice(["anvil", "ganache"]), default=None, help="Default: best available.")
@click.option("--port", type=int, default=None, help="Default: a free port.")
def chains_start(backend: str | None, port: int | None) -> None:
    """Run a chain until Ctrl-C; prints its RPC URL and accounts."""
    from chains import start_chain

    chain = start_chain(backend, port=port)
    console.print(f"{chain.name} on {chain.rpc_url} (pid {chain.pid}, log {chain.log_path})")
    for a in chain.accounts[:3]:
        console.print(f"  account {a}")
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        chain.stop()


@chains.command("brownie-network")
@click.option("--port", type=int, default=None, help="Port of the network (default 8546).")
@click.option("--quiet", is_flag=True)
def chains_brownie_network(port: int | None, quiet: bool) -> None:
    """Register the `ouro-anvil` brownie network (base fee 0, gas price 0) on the npm Anvil."""
    from chains.brownie_network import DEFAULT_PORT, NETWORK_ID, link_anvil_into_venv, register_brownie_network

    try:
        changed = register_brownie_network(port or DEFAULT_PORT)
        link = link_anvil_into_venv()
    except Exception as exc:  # noqa: BLE001 - reported, set-up goes on
        err.print(f"[yellow]warning[/] brownie network not registered: {exc}")
        sys.exit(EXIT_TOOL_ERROR)
    if not quiet:
        console.print(f"brownie network {NETWORK_ID}: {'registered' if changed else 'up to date'}"
                      + (f"; anvil linked at {link}" if link else ""))


# --------------------------------------------------------------------------- verify / report
from synth.cli_verify import report as _report_cmd, verify as _verify_cmd  # noqa: E402

main.add_command(_verify_cmd, "verify")
main.add_command(_report_cmd, "report")
from synth.cli_strategy import strategy as _strategy_group  # noqa: E402
main.add_command(_strategy_group, "strategy")
from synth.cli_repair import repair as _repair_cmd  # noqa: E402
main.add_command(_repair_cmd, "repair")
from synth.cli_fuzz import fuzz as _fuzz_cmd  # noqa: E402
main.add_command(_fuzz_cmd, "fuzz")
from synth.cli_triage import triage as _triage_cmd  # noqa: E402
main.add_command(_triage_cmd, "triage")


@main.command()
@click.argument("evidence", type=click.Path(exists=True, path_type=Path))
@click.option("--brownie-test", type=click.Path(path_type=Path),
              help="Also write a brownie-style pytest file that fails on the vulnerable contract.")
def replay(evidence: Path, brownie_test: Path | None) -> None:
    """Re-run a counterexample (a finding's evidence, or a JSON report) on a fresh Anvil."""
    from verify.dynamic.replay import ReplayError, load_evidence, replay_evidence, write_brownie_test

    try:
        items = load_evidence(evidence)
    except ReplayError as exc:
        err.print(f"[red]error[/] {exc}")
        sys.exit(EXIT_TOOL_ERROR)
    reproduced_all = True
    for n, ev in enumerate(items):
        try:
            result = replay_evidence(ev)
        except ReplayError as exc:
            err.print(f"[red]error[/] {exc}")
            sys.exit(EXIT_TOOL_ERROR)
        console.print(f"[bold]{escape(ev['contract'])}[/] {escape(ev['property'])}: replayed on {result['chain']}")
        for line, h in zip(ev.get("trace", []), result["tx_hashes"]):
            console.print(f"  {escape(line)}  [dim]{h or ''}[/]")
        console.print(f"  {'[red]reproduced[/]' if result['reproduced'] else '[yellow]not reproduced[/]'}: "
                      f"{escape(result.get('detail') or ev.get('detail', ''))}")
        reproduced_all &= bool(result["reproduced"])
        if brownie_test:
            dest = brownie_test if len(items) == 1 else brownie_test.with_name(f"{brownie_test.stem}_{n + 1}.py")
            write_brownie_test(ev, dest)
            console.print(f"  brownie test written to {dest}")
    sys.exit(EXIT_FINDINGS if reproduced_all else EXIT_OK)


# --------------------------------------------------------------------------- synth / spec
@main.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default: out/<name>).")
@click.option("--generator", help="Generator backend (default: the best available; 'template' is offline).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the property search.")
@click.option("--max-examples", type=int, default=60, show_default=True, help="Sequences tried per property run.")
@click.option("--no-replay", is_flag=True, help="Do not replay counterexamples on Anvil.")
@click.option("--repair-rounds", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Repair rounds for a contract that fails verification (0: report the failure as is).")
@click.option("--framework", type=click.Choice(["brownie", "foundry", "both"]), default="both", show_default=True,
              help="The project written: brownie, Foundry, or both side by side.")
def synth(spec: Path, out: Path | None, generator: str | None, seed: int, max_examples: int, no_replay: bool,
          repair_rounds: int = 3, model_client=None, framework: str = "both") -> None:
    """Synthesise and verify a contract, or a system of contracts, from SPEC; write its project.

    The project (brownie, Foundry or both: --framework) is written only if verification passes.

    Exit status: 0 passed (project written), 1 verification failed (report written), 2 bad input.
    """
    from synth.generators import GeneratorUnavailable
    from synth.generators.model import GenerationFailed
    from synth.pipeline import SynthOptions, synthesize
    from synth.project import using_framework
    from synth.spec import SpecError, load_spec

    try:
        name = load_spec(spec).name
        opts = SynthOptions(generator=generator, seed=seed, max_examples=max_examples, replay=not no_replay,
                            model=model_client, repair_rounds=repair_rounds)
        opts.framework = framework  # what a system spec's project is written for
        with using_framework(framework):  # and a single spec's
            res = synthesize(spec, out or Path("out") / name, opts)
    except (SpecError, GeneratorUnavailable) as exc:
        for line in str(exc).splitlines():
            err.print(f"[red]error[/] {escape(line)}")
        sys.exit(EXIT_TOOL_ERROR)
    except GenerationFailed as exc:  # the model's code was unusable: nothing written
        err.print(f"[red]generation failed[/] {escape(' '.join(str(exc).split()))}")
        sys.exit(EXIT_FINDINGS)
    if getattr(res.spec, "kind", None) == "system":
        from synth.cli_system import print_system

        print_system(res, out or Path("out") / name, console, err)
    else:
        _print_synth(res, out or Path("out") / name, framework)
    sys.exit(EXIT_OK if res.passed else EXIT_FINDINGS)


def _print_synth(res, out: Path, framework: str = "brownie") -> None:
    from verify.report import render_table

    table = Table(title=f"{res.spec.name} ({res.spec.kind}): functional scenarios")
    table.add_column("scenario")
    table.add_column("result", overflow="fold")
    for s in res.scenarios:
        table.add_row(s.name, "[green]pass[/]" if s.passed else f"[red]FAIL[/] {escape(s.message)}")
    console.print(table)
    inv = Table(title="invariants checked on every step")
    inv.add_column("invariant", overflow="fold")
    inv.add_column("result")
    violated = {f["check"] for f in res.entry.get("findings", [])}
    for check, text in zip(res.invariant_ids, res.invariants):
        inv.add_row(escape(text), "[red]violated[/]" if check in violated else "[green]holds[/]")
    console.print(inv)
    if res.entry:
        render_table([res.entry], console)
    if res.error:
        err.print(f"[red]error[/] {escape(res.error)}")
    m = res.metrics()
    if not m["first_pass"]:
        fixed = ", ".join(f"{c} {r['repaired']}/{r['found']}" for c, r in sorted(m["per_check"].items()))
        console.print(f"first pass failed; repair: {m['repair_rounds']} round(s), "
                      f"{'passed' if m['passed_after_repair'] else 'still failing'} ({escape(fixed)})")
    if res.passed:
        run = {"brownie": "brownie test --network ouro-anvil", "foundry": "npm ci && forge test",
               "both": "brownie test --network ouro-anvil; npm ci && forge test"}[framework]
        console.print(f"[green]PASSED[/] in {res.seconds:.1f} s: project written to {escape(str(out))} "
                      f"(cd {escape(str(out))} && {run})")
    else:
        console.print(f"[red]FAILED[/] in {res.seconds:.1f} s: report written to {escape(str(out))}/report.md")


@main.group()
def spec() -> None:
    """Spec format tools."""


@spec.command("schema")
@click.option("--system", is_flag=True, help="The schema of system specs (several contracts, `contracts:`).")
def spec_schema_cmd(system: bool) -> None:
    """Print the JSON Schema of spec files."""
    from synth.spec import spec_schema
    from synth.spec.system import system_schema

    click.echo(json.dumps(system_schema() if system else spec_schema(), indent=2))


@spec.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def spec_check(files: tuple[Path, ...]) -> None:
    """Validate spec files; every problem is printed as file:line: field: message."""
    from synth.spec import SpecError, load_spec

    bad = False
    for f in files:
        try:
            s = load_spec(f)
            console.print(f"ok {escape(str(f))}: {s.kind} {s.name}")
        except SpecError as exc:
            bad = True
            for line in str(exc).splitlines():
                err.print(f"[red]error[/] {escape(line)}")
    sys.exit(EXIT_TOOL_ERROR if bad else EXIT_OK)


from synth.cli_models import attach_describe  # noqa: E402 - `ouro synth --describe TEXT --model ...`
attach_describe(synth)

if __name__ == "__main__":  # pragma: no cover
    main()
