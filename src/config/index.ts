// config: the build directory and layer model (bblayers.conf, layer.conf, collections).
export {
  approvedVariables,
  type Collection,
  ConfigError,
  fileCollection,
  finishLayers,
  findConfigFile,
  handleCollections,
  inheritFromEnvironment,
} from "./layers.js";
