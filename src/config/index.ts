// config: the build directory and layer model (bblayers.conf, layer.conf, collections).

export { type BblayersEdit, editBblayers } from "./bblayers-edit.js";
export { bitbakeForSeries } from "./bitbake-version.js";
export { type NewLayer, newLayerFiles } from "./create-layer.js";
export {
  approvedVariables,
  type Collection,
  ConfigError,
  FileLayers,
  fileCollection,
  fileLayerCollection,
  findConfigFile,
  finishLayers,
  handleCollections,
  inheritFromEnvironment,
} from "./layers.js";
