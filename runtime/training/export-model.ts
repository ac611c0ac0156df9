/**
 * Exports a model in the standard TensorFlow.js LayersModel format (model.json + weights.bin), loadable by
 * `tf.loadLayersModel` anywhere. tfjs-core without tfjs-node registers no file:// handler, so saving and
 * loading go through small IOHandlers on node:fs.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tf } from '../engine/index.js';
import { writeAtomically } from './checkpoint.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/**
 * A save handler writing model.json and weights.bin into `dir` (created if missing). It needs nothing from
 * the tf namespace, so exporting works from any code holding a model.
 */
export function fileSaveHandler(dir: string): io.IOHandler {
  return {
    save: async (artifacts: io.ModelArtifacts): Promise<io.SaveResult> => {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('binary model topologies (GraphDef) are not supported here');
      await mkdir(dir, { recursive: true });
      const weights = joinBuffers(artifacts.weightData);
      const topology = JSON.stringify(artifacts.modelTopology ?? null);
      const modelJson: io.ModelJSON = {
        modelTopology: artifacts.modelTopology as {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? 'TensorFlow.js tfjs-layers',
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
        ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      // Weights first: a model.json on disk always names weights that are complete.
      await writeAtomically(join(dir, WEIGHTS_BIN), weights);
      await writeAtomically(join(dir, MODEL_JSON), Buffer.from(JSON.stringify(modelJson), 'utf8'));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: Buffer.byteLength(topology),
          weightSpecsBytes: Buffer.byteLength(JSON.stringify(artifacts.weightSpecs ?? [])),
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}

/** tfjs 4 may hand weights over as several buffers (sharded); weights.bin is their concatenation. */
function joinBuffers(data: io.WeightData | undefined): Uint8Array {
  const parts = data === undefined ? [] : Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(new Uint8Array(part), at);
    at += part.byteLength;
  }
  return out;
}

/** A load handler for a model.json on disk (or a directory holding one) and the weight files it lists. */
export function fileLoadHandler(tf: Tf, path: string): io.IOHandler {
  const modelJsonPath = path.endsWith('.json') ? path : join(path, MODEL_JSON);
  return {
    load: async (): Promise<io.ModelArtifacts> => {
      let modelJson: io.ModelJSON;
      try {
        modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8')) as io.ModelJSON;
      } catch (error) {
        throw new Error(`cannot read tfjs model ${modelJsonPath}: ${(error as Error).message}`);
      }
      const base = dirname(modelJsonPath);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const bytes = await readFile(isAbsolute(p) ? p : resolve(base, p));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/** Writes `model` to `dir` as model.json + weights.bin (weights only; no optimizer state). */
export async function exportTfjsModel(model: LayersModel, dir: string): Promise<{ modelJson: string; weightsBin: string }> {
  await model.save(fileSaveHandler(dir));
  return { modelJson: join(dir, MODEL_JSON), weightsBin: join(dir, WEIGHTS_BIN) };
}

/** Loads a model exported by `exportTfjsModel` (or any tfjs LayersModel directory on disk). */
export function loadTfjsModel(tf: Tf, path: string): Promise<LayersModel> {
  return tf.loadLayersModel(fileLoadHandler(tf, path));
}
