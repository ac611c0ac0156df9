import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CODES } from './codes.js';
import { isInside, portablePath } from './format-common.js';
import type { Diagnostic, Range, Severity } from './types.js';

export interface SarifOptions {
  cwd: string;
  toolVersion: string;
  /** Where the tool is documented (tool.driver.informationUri); left out when not given. */
  informationUri?: string;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The base relative artifact URIs resolve against; GitHub code scanning maps it to the checkout. */
export const SRCROOT = '%SRCROOT%';

export type SarifLevel = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifRule {
  id: string;
  name?: string;
  shortDescription?: { text: string };
  defaultConfiguration?: { level: SarifLevel };
}

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifPhysicalLocation {
  artifactLocation: { uri: string; uriBaseId?: string };
  region: SarifRegion;
}

interface SarifLocation {
  id?: number;
  physicalLocation: SarifPhysicalLocation;
  logicalLocations?: Array<{ fullyQualifiedName: string }>;
  message?: { text: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri?: string; rules: SarifRule[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }>;
}

/** A SARIF 2.1.0 log with one run, for code-scanning upload and SARIF viewers. */
export function formatSarif(diags: readonly Diagnostic[], opts: SarifOptions): string {
  return `${JSON.stringify(buildSarifLog(diags, opts), null, 2)}\n`;
}

export function buildSarifLog(diags: readonly Diagnostic[], opts: SarifOptions): SarifLog {
  // Every catalogued code is a rule, in catalog order, so a rule's index is stable from run to run and
  // viewers can describe codes the run did not produce; codes outside the catalog are appended.
  const rules: SarifRule[] = Object.entries(CODES).map(([id, c]) => ({
    id,
    name: c.name,
    shortDescription: { text: c.title },
    defaultConfiguration: { level: LEVEL[c.severity] },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const indexOf = (code: string): number => {
    let i = ruleIndex.get(code);
    if (i === undefined) {
      i = rules.length;
      rules.push({ id: code });
      ruleIndex.set(code, i);
    }
    return i;
  };

  const results = diags.map((d): SarifResult => {
    const location: SarifLocation = { physicalLocation: physicalLocation(d.file, d.range, opts.cwd) };
    if (d.path) location.logicalLocations = [{ fullyQualifiedName: d.path }];
    const result: SarifResult = {
      ruleId: d.code,
      ruleIndex: indexOf(d.code),
      level: LEVEL[d.severity],
      message: { text: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message },
      locations: [location],
    };
    // relatedLocations must be unique; the id makes two notes at one place with one text distinct.
    if (d.related && d.related.length > 0) {
      result.relatedLocations = d.related.map((r, id) => ({
        id,
        physicalLocation: physicalLocation(r.file, r.range, opts.cwd),
        message: { text: r.message },
      }));
    }
    return result;
  });

  const driver: SarifLog['runs'][number]['tool']['driver'] = { name: 'dlc', version: opts.toolVersion, rules };
  if (opts.informationUri) driver.informationUri = opts.informationUri;
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(opts.cwd) } },
        // Diagnostic columns count UTF-16 code units; SARIF's default is Unicode code points.
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function physicalLocation(file: string, range: Range, cwd: string): SarifPhysicalLocation {
  const artifactLocation = isInside(file, cwd)
    ? { uri: encodePath(portablePath(file, cwd)), uriBaseId: SRCROOT }
    : { uri: pathToFileURL(file).href };
  return { artifactLocation, region: sarifRegion(range) };
}

/**
 * SARIF regions are 1-based with an exclusive end column, as our ranges are. A reversed range (a bug
 * elsewhere) collapses to its start rather than producing a region viewers reject.
 */
function sarifRegion(range: Range): SarifRegion {
  const { start, end } = range;
  const reversed = end.line < start.line || (end.line === start.line && end.col < start.col);
  const last = reversed ? start : end;
  return {
    startLine: Math.max(1, start.line),
    startColumn: Math.max(1, start.col),
    endLine: Math.max(1, last.line),
    endColumn: Math.max(1, last.col),
  };
}

/** A relative URI reference: each path segment percent-encoded, so spaces, `#` and `?` survive. */
function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

/** An absolute directory URI; SARIF requires the trailing slash on a base URI. */
function directoryUri(dir: string): string {
  const href = pathToFileURL(dir.endsWith(sep) ? dir : dir + sep).href;
  return href.endsWith('/') ? href : `${href}/`;
}
