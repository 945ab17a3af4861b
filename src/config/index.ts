// config: the build directory and layer model (bblayers.conf, layer.conf, collections).
export {
  approvedVariables,
  type Collection,
  ConfigError,
  fileCollection,
  findConfigFile,
  finishLayers,
  handleCollections,
  inheritFromEnvironment,
} from "./layers.js";
