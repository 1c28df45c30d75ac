// blastrain: train neural networks in Node.js on OpenBLAS, with a typed, zero-copy API.
import { loadNative, nativeBinaryPath, type BlasInfo } from './native';
import { invalid } from './validate';

export { Sequential } from './model';
export type {
  SequentialOptions, CompileOptions, FitOptions, EvaluateResult, SaveOptions, LoadOptions, LoadWeightsOptions, LoadWeightsResult,
} from './model';
export type { BatchLogs, CallbackModel, Callbacks, EpochLogs, History } from './train/callbacks';
export { Dense, Dropout } from './layers';
export {
  CosineAnnealingLR, ExponentialLR, LinearLR, LRSchedule, MultiStepLR, OneCycleLR, SequentialLR, StepLR,
} from './train/schedules';
export type { ScheduleInterval } from './train/schedules';
export { EarlyStopping } from './train/early-stopping';
export type { EarlyStoppingOptions } from './train/early-stopping';
export { ModelCheckpoint } from './train/checkpoint';
export type { ModelCheckpointOptions } from './train/checkpoint';
export { LearningRateScheduler, ReduceLROnPlateau } from './train/lr-callbacks';
export type { ReduceLROnPlateauOptions } from './train/lr-callbacks';
export { CSVLogger, JsonLinesLogger } from './train/loggers';
export { plotHistory } from './plot/history';
export type { PlotOptions } from './plot/history';
export { SvgPlotter } from './plot/svg-plotter';
export type { SvgPlotterOptions } from './plot/svg-plotter';
export { f1, Metric, METRIC_NAMES, precision, recall, topKAccuracy } from './metrics/metrics';
export type { AveragedMetricOptions, MetricConfig, MetricName } from './metrics/metrics';
export { readTensors, writeTensors } from './io/tensors-file';
export type { Tensor } from './io/tensors-file';
export type { DenseOptions, Layer } from './layers';
export { Optimizer } from './optim/optimizer';
export type { ClipOptions, HyperSpec, OptimizerStateDict } from './optim/optimizer';
export { SGD } from './optim/sgd';
export type { SGDOptions } from './optim/sgd';
export { Adam, AdamW } from './optim/adam';
export type { AdamOptions } from './optim/adam';
export { RMSprop } from './optim/rmsprop';
export type { RMSpropOptions } from './optim/rmsprop';
export { ACTIVATIONS, LOSSES } from './layout';
export type { ActivationName, LossName } from './layout';
export type { InputData, TargetData, LabelArray } from './data/arrays';
export { Dataset } from './data/dataset';
export { MinMaxScaler, Scaler, StandardScaler } from './data/scalers';
export type { ScalerRecord } from './data/scalers';
export type { Batch, Example } from './data/dataset';
export type { DataSource } from './data/source';
export type { CsvOptions } from './data/csv';
export type { Columns, TableInfo, TableOptions } from './data/table';
export type { BlasInfo, BlasShape, TargetArray } from './native';
export {
  AbortError, BlastrainError, DetachedBufferError, ModelBusyError, InvalidArgumentError, NativeLoadError, NonFiniteLossError,
  DataFormatError, FileError, ModelFormatError, NotCompiledError, OutOfMemoryError, ShapeError, StateError, UnsupportedBufferError,
} from './errors';

/** The BLAS the native backend runs on, the CPU architecture, and the addon file that was loaded. */
export function blasInfo(): BlasInfo & { arch: string; binary: string } {
  return { ...loadNative().blasInfo(), arch: process.arch, binary: nativeBinaryPath() };
}

/**
 * Threads per BLAS call. `'auto'` (the default): each matrix product whose shape OpenBLAS would
 * spread over its threads runs on one thread or on all cores, whichever its first call measured
 * faster on this machine; the choice is kept for the process, so repeated runs give identical
 * results. A number from 1 to 1024: every call runs with that many threads (the automatic
 * choices stay for when `'auto'` is set again).
 */
export function setNumThreads(threads: number | 'auto'): void {
  if (threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1 && threads <= 1024)) {
    throw invalid('threads', "integer between 1 and 1024 or 'auto'", threads);
  }
  loadNative().setNumThreads(threads === 'auto' ? 0 : threads);
}

/** The most threads one BLAS call uses: all cores by default, else what setNumThreads fixed. */
export function getNumThreads(): number {
  return loadNative().blasInfo().threads;
}
