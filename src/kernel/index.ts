// Linux kernel configurations: reading .config and .cfg fragments, and checking one against the other.

export {
  type CheckOptions,
  type CheckReport,
  type CheckStatus,
  type CheckSummary,
  checkConfig,
  checkFragment,
  checkOption,
  describeResult,
  FAILURE_STATUSES,
  type FragmentResult,
  type OptionResult,
  summaryLine,
} from "./check.js";
export {
  type ConfigEntry,
  type ConfigValue,
  formatValue,
  isEnabled,
  type KernelConfig,
  KernelConfigError,
  parseKernelConfig,
  readKernelConfig,
} from "./config.js";
