/**
 * The part of the SARIF 2.1.0 JSON Schema (oasis-tcs/sarif-spec, Schemata/sarif-schema-2.1.0.json) that
 * covers every object dlc emits, transcribed with the same property lists, `required`, enums, minimums,
 * `uniqueItems` and `additionalProperties: false`, so a misspelt or misplaced property fails here as it
 * would against the full schema. Formats (uri) are checked by the test itself.
 */
const message = {
  type: 'object',
  additionalProperties: false,
  properties: {
    text: { type: 'string' },
    markdown: { type: 'string' },
    id: { type: 'string' },
    arguments: { type: 'array', items: { type: 'string' } },
    properties: { type: 'object' },
  },
  anyOf: [{ required: ['text'] }, { required: ['id'] }],
};

const multiformatMessageString = {
  type: 'object',
  additionalProperties: false,
  properties: { text: { type: 'string' }, markdown: { type: 'string' }, properties: { type: 'object' } },
  required: ['text'],
};

const level = { enum: ['none', 'note', 'warning', 'error'] };

const region = {
  type: 'object',
  additionalProperties: false,
  properties: {
    startLine: { type: 'integer', minimum: 1 },
    startColumn: { type: 'integer', minimum: 1 },
    endLine: { type: 'integer', minimum: 1 },
    endColumn: { type: 'integer', minimum: 1 },
    charOffset: { type: 'integer', minimum: -1 },
    charLength: { type: 'integer', minimum: 0 },
    byteOffset: { type: 'integer', minimum: -1 },
    byteLength: { type: 'integer', minimum: 0 },
    snippet: { type: 'object' },
    message,
    sourceLanguage: { type: 'string' },
    properties: { type: 'object' },
  },
};

const artifactLocation = {
  type: 'object',
  additionalProperties: false,
  properties: {
    uri: { type: 'string' },
    uriBaseId: { type: 'string' },
    index: { type: 'integer', minimum: -1 },
    description: message,
    properties: { type: 'object' },
  },
};

const physicalLocation = {
  type: 'object',
  additionalProperties: false,
  properties: {
    address: { type: 'object' },
    artifactLocation,
    region,
    contextRegion: region,
    properties: { type: 'object' },
  },
  anyOf: [{ required: ['address'] }, { required: ['artifactLocation'] }],
};

const logicalLocation = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    index: { type: 'integer', minimum: -1 },
    fullyQualifiedName: { type: 'string' },
    decoratedName: { type: 'string' },
    parentIndex: { type: 'integer', minimum: -1 },
    kind: { type: 'string' },
    properties: { type: 'object' },
  },
};

const location = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer', minimum: -1 },
    physicalLocation,
    logicalLocations: { type: 'array', uniqueItems: true, items: logicalLocation },
    message,
    annotations: { type: 'array', uniqueItems: true, items: region },
    relationships: { type: 'array', uniqueItems: true },
    properties: { type: 'object' },
  },
};

const reportingDescriptor = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    deprecatedIds: { type: 'array', uniqueItems: true, items: { type: 'string' } },
    guid: { type: 'string' },
    deprecatedGuids: { type: 'array' },
    name: { type: 'string' },
    deprecatedNames: { type: 'array', uniqueItems: true, items: { type: 'string' } },
    shortDescription: multiformatMessageString,
    fullDescription: multiformatMessageString,
    messageStrings: { type: 'object', additionalProperties: multiformatMessageString },
    defaultConfiguration: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        level,
        rank: { type: 'number', minimum: -1, maximum: 100 },
        parameters: { type: 'object' },
        properties: { type: 'object' },
      },
    },
    helpUri: { type: 'string' },
    help: multiformatMessageString,
    relationships: { type: 'array', uniqueItems: true },
    properties: { type: 'object' },
  },
  required: ['id'],
};

const toolComponent = {
  type: 'object',
  additionalProperties: false,
  properties: {
    guid: { type: 'string' },
    name: { type: 'string' },
    organization: { type: 'string' },
    product: { type: 'string' },
    productSuite: { type: 'string' },
    shortDescription: multiformatMessageString,
    fullDescription: multiformatMessageString,
    fullName: { type: 'string' },
    version: { type: 'string' },
    semanticVersion: { type: 'string' },
    dottedQuadFileVersion: { type: 'string' },
    releaseDateUtc: { type: 'string' },
    downloadUri: { type: 'string' },
    informationUri: { type: 'string' },
    globalMessageStrings: { type: 'object' },
    notifications: { type: 'array', uniqueItems: true, items: reportingDescriptor },
    rules: { type: 'array', uniqueItems: true, items: reportingDescriptor },
    taxa: { type: 'array', uniqueItems: true, items: reportingDescriptor },
    locations: { type: 'array' },
    language: { type: 'string' },
    contents: { type: 'array' },
    isComprehensive: { type: 'boolean' },
    localizedDataSemanticVersion: { type: 'string' },
    minimumRequiredLocalizedDataSemanticVersion: { type: 'string' },
    associatedComponent: { type: 'object' },
    translationMetadata: { type: 'object' },
    supportedTaxonomies: { type: 'array' },
    properties: { type: 'object' },
  },
  required: ['name'],
};

const result = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ruleId: { type: 'string' },
    ruleIndex: { type: 'integer', minimum: -1 },
    rule: { type: 'object' },
    kind: { enum: ['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'] },
    level,
    message,
    analysisTarget: artifactLocation,
    locations: { type: 'array', items: location },
    guid: { type: 'string' },
    correlationGuid: { type: 'string' },
    occurrenceCount: { type: 'integer', minimum: 1 },
    partialFingerprints: { type: 'object', additionalProperties: { type: 'string' } },
    fingerprints: { type: 'object', additionalProperties: { type: 'string' } },
    stacks: { type: 'array', uniqueItems: true },
    codeFlows: { type: 'array' },
    graphs: { type: 'array', uniqueItems: true },
    graphTraversals: { type: 'array', uniqueItems: true },
    relatedLocations: { type: 'array', uniqueItems: true, items: location },
    suppressions: { type: 'array', uniqueItems: true },
    baselineState: { enum: ['new', 'unchanged', 'updated', 'absent'] },
    rank: { type: 'number', minimum: -1, maximum: 100 },
    attachments: { type: 'array', uniqueItems: true },
    hostedViewerUri: { type: 'string' },
    workItemUris: { type: 'array', uniqueItems: true, items: { type: 'string' } },
    provenance: { type: 'object' },
    fixes: { type: 'array', uniqueItems: true },
    taxa: { type: 'array', uniqueItems: true },
    webRequest: { type: 'object' },
    webResponse: { type: 'object' },
    properties: { type: 'object' },
  },
  required: ['message'],
};

const run = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tool: {
      type: 'object',
      additionalProperties: false,
      properties: {
        driver: toolComponent,
        extensions: { type: 'array', uniqueItems: true, items: toolComponent },
        properties: { type: 'object' },
      },
      required: ['driver'],
    },
    invocations: { type: 'array' },
    conversion: { type: 'object' },
    language: { type: 'string' },
    versionControlProvenance: { type: 'array', uniqueItems: true },
    originalUriBaseIds: { type: 'object', additionalProperties: artifactLocation },
    artifacts: { type: 'array', uniqueItems: true },
    logicalLocations: { type: 'array', uniqueItems: true, items: logicalLocation },
    graphs: { type: 'array', uniqueItems: true },
    results: { type: 'array', items: result },
    automationDetails: { type: 'object' },
    runAggregates: { type: 'array', uniqueItems: true },
    baselineGuid: { type: 'string' },
    redactionTokens: { type: 'array', uniqueItems: true, items: { type: 'string' } },
    defaultEncoding: { type: 'string' },
    defaultSourceLanguage: { type: 'string' },
    newlineSequences: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
    columnKind: { enum: ['utf16CodeUnits', 'unicodeCodePoints'] },
    externalPropertyFileReferences: { type: 'object' },
    threadFlowLocations: { type: 'array', uniqueItems: true },
    taxonomies: { type: 'array', uniqueItems: true, items: toolComponent },
    addresses: { type: 'array' },
    translations: { type: 'array', uniqueItems: true, items: toolComponent },
    policies: { type: 'array', uniqueItems: true, items: toolComponent },
    webRequests: { type: 'array', uniqueItems: true },
    webResponses: { type: 'array', uniqueItems: true },
    specialLocations: { type: 'object' },
    properties: { type: 'object' },
  },
  required: ['tool'],
};

export const sarifSubsetSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    version: { enum: ['2.1.0'] },
    runs: { type: 'array', items: run },
    inlineExternalProperties: { type: 'array', uniqueItems: true },
    properties: { type: 'object' },
  },
  required: ['version', 'runs'],
};
