#!/usr/bin/env node
// ouro solc-js front end: behaves like the native `solc` command line for the subset that
// crytic-compile (Slither), py-solc-x (brownie) and forge use, on any solc-js release.
//
// Environment (set by the per-version shim script that `ouro compilers install` writes):
//   OURO_SOLJSON        absolute path of that release's soljson.js
//   OURO_SOLC_WRAPPER   absolute path of the current solc-js package's wrapper.js
//   OURO_NODE_MODULES   optional ':'-separated node_modules folders searched for imports
//
// Modes:
//   --version | --standard-json | --combined-json LIST FILES...   (native-compatible)
//   --ouro-server      persistent JSON-lines compile server used by ouro itself
'use strict';

const fs = require('fs');
const path = require('path');

const compilers = new Map(); // soljson path -> wrapped compiler (LRU, small)
const MAX_LOADED = 3;

function loadCompiler(soljsonPath, wrapperPath) {
  if (compilers.has(soljsonPath)) {
    const c = compilers.get(soljsonPath);
    compilers.delete(soljsonPath);
    compilers.set(soljsonPath, c);
    return c;
  }
  const wrapper = require(wrapperPath);
  const soljson = require(soljsonPath);
  const compiler = wrapper(soljson);
  compilers.set(soljsonPath, compiler);
  while (compilers.size > MAX_LOADED) {
    const oldest = compilers.keys().next().value;
    compilers.delete(oldest);
    delete require.cache[require.resolve(oldest)];
  }
  return compiler;
}

function parseVersion(full) {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(full);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

function atLeast(v, major, minor, patch) {
  if (v[0] !== major) return v[0] > major;
  if (v[1] !== minor) return v[1] > minor;
  return v[2] >= patch;
}

function nodeModulesDirs(extra) {
  const dirs = [];
  for (const d of (process.env.OURO_NODE_MODULES || '').split(':')) if (d) dirs.push(d);
  let cur = process.cwd();
  for (;;) {
    const nm = path.join(cur, 'node_modules');
    if (fs.existsSync(nm)) dirs.push(nm);
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return dirs.concat(extra || []);
}

// Import callback: source unit names are looked up under the base path, the include paths,
// then the node_modules folders (so `@openzeppelin/...` resolves without a remapping).
function makeImportCallback(basePath, includePaths) {
  const roots = [basePath || process.cwd()].concat(includePaths || []).concat(nodeModulesDirs());
  return function findImports(unitName) {
    const candidates = path.isAbsolute(unitName) ? [unitName] : roots.map((r) => path.join(r, unitName));
    for (const c of candidates) {
      try {
        if (fs.statSync(c).isFile()) return { contents: fs.readFileSync(c, 'utf8') };
      } catch (e) { /* try next */ }
    }
    return { error: 'File not found: ' + unitName + ' (searched ' + roots.join(', ') + ')' };
  };
}

function compileStandard(compiler, input, basePath, includePaths) {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  const out = compiler.compile(text, { import: makeImportCallback(basePath, includePaths) });
  return JSON.parse(out);
}

function usage(msg) {
  process.stderr.write(msg + '\n');
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { files: [], remappings: [], includePaths: [], allowPaths: [], optimize: false,
    optimizeRuns: 200, evmVersion: null, viaIR: false, basePath: null, combined: null,
    standardJson: false, version: false };
  const noValueIgnored = new Set(['--no-color', '--color', '--pretty-json', '--ignore-missing',
    '--metadata-literal', '--no-optimize-yul', '--optimize-yul']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage('Error: option ' + a + ' needs a value');
      return argv[++i];
    };
    if (a === '--version' || a === '-v') opts.version = true;
    else if (a === '--standard-json') opts.standardJson = true;
    else if (a === '--combined-json') opts.combined = next().split(',');
    else if (a.startsWith('--combined-json=')) opts.combined = a.split('=')[1].split(',');
    else if (a === '--optimize') opts.optimize = true;
    else if (a === '--optimize-runs') opts.optimizeRuns = Number(next());
    else if (a === '--evm-version') opts.evmVersion = next();
    else if (a === '--via-ir' || a === '--experimental-via-ir') opts.viaIR = true;
    else if (a === '--base-path') opts.basePath = next();
    else if (a === '--include-path') opts.includePaths.push(next());
    else if (a === '--allow-paths') opts.allowPaths.push(...next().split(','));
    else if (noValueIgnored.has(a)) { /* accepted, no effect on output */ }
    else if (a.startsWith('-') && a !== '-') usage('Error: unrecognised option ' + a + ' (ouro solc-js shim)');
    else if (a.includes('=') && !fs.existsSync(a)) opts.remappings.push(a);
    else opts.files.push(a);
  }
  return opts;
}

function unitNameFor(file, basePath) {
  const abs = path.resolve(file);
  const rel = path.relative(basePath, abs);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  return abs;
}

function formatErrors(errors) {
  return (errors || []).map((e) => e.formattedMessage || ((e.severity || 'error') + ': ' + e.message)).join('\n');
}

function hasErrors(output) {
  return (output.errors || []).some((e) => e.severity === 'error');
}

function combinedJson(compiler, opts) {
  const full = compiler.version();
  const ver = parseVersion(full);
  const basePath = path.resolve(opts.basePath || process.cwd());
  const want = new Set(opts.combined);
  if (opts.files.length === 0) usage('Error: no input files given');
  const sources = {};
  for (const f of opts.files) {
    let content;
    try {
      content = fs.readFileSync(f, 'utf8');
    } catch (e) {
      usage('Error: "' + f + '" is not found or not readable: ' + e.message);
    }
    sources[unitNameFor(f, basePath)] = { content };
  }
  const contractOut = ['abi', 'evm.bytecode.object', 'evm.bytecode.sourceMap', 'evm.deployedBytecode.object',
    'evm.deployedBytecode.sourceMap', 'evm.methodIdentifiers', 'userdoc', 'devdoc', 'metadata'];
  const settings = {
    optimizer: { enabled: opts.optimize, runs: opts.optimizeRuns },
    remappings: opts.remappings,
    outputSelection: { '*': { '*': contractOut, '': ['ast', 'legacyAST'] } },
  };
  if (opts.evmVersion) settings.evmVersion = opts.evmVersion;
  if (opts.viaIR) settings.viaIR = true;
  const output = compileStandard(compiler, { language: 'Solidity', sources, settings }, basePath, opts.includePaths);
  const msgs = formatErrors(output.errors);
  if (msgs) process.stderr.write(msgs + '\n');
  if (hasErrors(output)) process.exit(1);

  // Before 0.8.0 the native CLI emits abi/userdoc/devdoc as JSON strings.
  const stringly = !atLeast(ver, 0, 8, 0);
  const enc = (x) => (stringly ? JSON.stringify(x) : x);
  const compact = want.has('compact-format') || atLeast(ver, 0, 8, 10);
  const result = { contracts: {}, version: full };
  for (const [unit, byName] of Object.entries(output.contracts || {})) {
    for (const [name, c] of Object.entries(byName)) {
      const evm = c.evm || {};
      const e = {};
      if (want.has('abi')) e.abi = enc(c.abi || []);
      if (want.has('bin')) e.bin = (evm.bytecode || {}).object || '';
      if (want.has('bin-runtime')) e['bin-runtime'] = (evm.deployedBytecode || {}).object || '';
      if (want.has('srcmap')) e.srcmap = (evm.bytecode || {}).sourceMap || '';
      if (want.has('srcmap-runtime')) e['srcmap-runtime'] = (evm.deployedBytecode || {}).sourceMap || '';
      if (want.has('hashes')) e.hashes = evm.methodIdentifiers || {};
      if (want.has('userdoc')) e.userdoc = enc(c.userdoc || {});
      if (want.has('devdoc')) e.devdoc = enc(c.devdoc || {});
      if (want.has('metadata')) e.metadata = c.metadata || '';
      result.contracts[unit + ':' + name] = e;
    }
  }
  const ordered = Object.entries(output.sources || {}).sort((a, b) => (a[1].id || 0) - (b[1].id || 0));
  result.sourceList = ordered.map(([unit]) => unit);
  if (want.has('ast')) {
    result.sources = {};
    for (const [unit, s] of ordered) {
      const ast = compact ? (s.ast || s.legacyAST) : (s.legacyAST || s.ast);
      result.sources[unit] = { AST: ast, id: s.id };
    }
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

function readStdin() {
  const chunks = [];
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.slice(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function cliMain(argv) {
  const soljson = process.env.OURO_SOLJSON;
  const wrapperPath = process.env.OURO_SOLC_WRAPPER;
  if (!soljson || !wrapperPath) usage('Error: OURO_SOLJSON and OURO_SOLC_WRAPPER must be set (run `ouro compilers install`)');
  const opts = parseArgs(argv);
  const compiler = loadCompiler(soljson, wrapperPath);
  if (opts.version) {
    process.stdout.write('solc, the solidity compiler commandline interface\nVersion: ' + compiler.version() + '\n');
    return;
  }
  if (opts.standardJson) {
    const input = readStdin();
    let output;
    try {
      output = compileStandard(compiler, input, opts.basePath ? path.resolve(opts.basePath) : null, opts.includePaths);
    } catch (e) {
      output = { errors: [{ type: 'JSONError', component: 'general', severity: 'error', message: String(e), formattedMessage: String(e) }] };
    }
    process.stdout.write(JSON.stringify(output) + '\n');
    return;
  }
  if (opts.combined) {
    combinedJson(compiler, opts);
    return;
  }
  usage('Error: ouro solc-js shim supports --version, --standard-json and --combined-json');
}

// Persistent server: one JSON request per stdin line, one JSON response per stdout line.
// Request: {"id", "soljson", "wrapper", "input", "base_path", "include_paths"}
// Response: {"id", "version", "output"} or {"id", "error"}
function serverMain() {
  const out = (obj) => fs.writeSync(1, JSON.stringify(obj) + '\n');
  // Emscripten builds print through console.log; keep stdout for the protocol only.
  console.log = (...a) => process.stderr.write(a.join(' ') + '\n');
  const readline = require('readline');
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    let req;
    try {
      req = JSON.parse(line);
    } catch (e) {
      out({ id: null, error: 'bad request: ' + e.message });
      return;
    }
    try {
      const compiler = loadCompiler(req.soljson, req.wrapper);
      if (req.input === undefined) {
        out({ id: req.id, version: compiler.version() });
        return;
      }
      const output = compileStandard(compiler, req.input, req.base_path, req.include_paths);
      out({ id: req.id, version: compiler.version(), output });
    } catch (e) {
      out({ id: req.id, error: String(e && e.stack ? e.stack : e) });
    }
  });
  rl.on('close', () => process.exit(0));
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--ouro-server') serverMain();
  else cliMain(argv);
}
