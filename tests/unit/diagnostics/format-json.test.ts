import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatJson } from '../../../compiler/diagnostics/format-json.js';
import type { Diagnostic } from '../../../compiler/diagnostics/types.js';
import { SourceFile } from '../../../compiler/source/source-file.js';
import { diagAt } from './helpers.js';

const spec = new SourceFile('/work/proj/pipeline.yaml', 'dlc: 1\nseed: x\n');

test('a versioned document with diagnostics and a summary, two-space indented', () => {
  const d = diagAt(spec, 'x', {
    code: 'DLC200',
    message: 'seed: expected an integer',
    path: 'seed',
    hint: 'write a whole number',
    related: [{ file: '/work/proj/inc/base.yaml', range: spec.rangeAt(0, 3), message: 'first set here' }],
  });
  const w = diagAt(spec, 'dlc', { code: 'DLC306', severity: 'warning', message: 'm' });
  const i = diagAt(spec, 'seed', { code: 'DLC500', severity: 'info', message: 'n' });
  assert.equal(
    formatJson([d, w, i], { cwd: '/work/proj' }),
    `{
  "version": 1,
  "diagnostics": [
    {
      "code": "DLC200",
      "severity": "error",
      "message": "seed: expected an integer",
      "file": "pipeline.yaml",
      "range": {
        "start": {
          "line": 2,
          "col": 7,
          "offset": 13
        },
        "end": {
          "line": 2,
          "col": 8,
          "offset": 14
        }
      },
      "path": "seed",
      "hint": "write a whole number",
      "related": [
        {
          "file": "inc/base.yaml",
          "range": {
            "start": {
              "line": 1,
              "col": 1,
              "offset": 0
            },
            "end": {
              "line": 1,
              "col": 4,
              "offset": 3
            }
          },
          "message": "first set here"
        }
      ]
    },
    {
      "code": "DLC306",
      "severity": "warning",
      "message": "m",
      "file": "pipeline.yaml",
      "range": {
        "start": {
          "line": 1,
          "col": 1,
          "offset": 0
        },
        "end": {
          "line": 1,
          "col": 4,
          "offset": 3
        }
      },
      "path": ""
    },
    {
      "code": "DLC500",
      "severity": "info",
      "message": "n",
      "file": "pipeline.yaml",
      "range": {
        "start": {
          "line": 2,
          "col": 1,
          "offset": 7
        },
        "end": {
          "line": 2,
          "col": 5,
          "offset": 11
        }
      },
      "path": ""
    }
  ],
  "summary": {
    "errors": 1,
    "warnings": 1,
    "infos": 1
  }
}
`,
  );
});

test('key order does not depend on how the diagnostic object was built', () => {
  const a = diagAt(spec, 'x', { hint: 'h' });
  const shuffled = { hint: a.hint, path: a.path, range: a.range, file: a.file, message: a.message, severity: a.severity, code: a.code } as Diagnostic;
  assert.equal(formatJson([shuffled], { cwd: '/work/proj' }), formatJson([a], { cwd: '/work/proj' }));
});

test('an empty list is still a complete document', () => {
  assert.deepEqual(JSON.parse(formatJson([], { cwd: '/' })), { version: 1, diagnostics: [], summary: { errors: 0, warnings: 0, infos: 0 } });
});

test('files outside cwd stay absolute', () => {
  const f = new SourceFile('/other/x.yaml', 'a: 1');
  const doc = JSON.parse(formatJson([diagAt(f, 'a')], { cwd: '/work/proj' })) as { diagnostics: Array<{ file: string }> };
  assert.equal(doc.diagnostics[0]?.file, '/other/x.yaml');
});
