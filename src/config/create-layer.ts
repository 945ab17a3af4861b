// The files of a new, empty layer (`kiln layers create-layer`): conf/layer.conf declaring the
// collection, a README, the MIT license text and one example recipe.

export interface NewLayer {
  /** The layer directory's name (used in the README). */
  name: string;
  /** The collection name (BBFILE_COLLECTIONS entry). */
  id: string;
  priority: string;
  /** LAYERSERIES_COMPAT value: the core layer's series names. */
  compat: string;
  /** The collection the new layer depends on (the core layer's), if any. */
  dependsOn?: string;
  exampleName: string;
  exampleVersion: string;
}

/** Relative path → contents. */
export function newLayerFiles(layer: NewLayer): Map<string, string> {
  const { id } = layer;
  const conf = [
    "# Classes and configuration of this layer are found through BBPATH.",
    'BBPATH .= ":${LAYERDIR}"',
    "",
    "# Recipes and appends live in recipes-<category>/<recipe>/.",
    'BBFILES += "${LAYERDIR}/recipes-*/*/*.bb \\',
    '            ${LAYERDIR}/recipes-*/*/*.bbappend"',
    "",
    `BBFILE_COLLECTIONS += "${id}"`,
    `BBFILE_PATTERN_${id} = "^\${LAYERDIR}/"`,
    `BBFILE_PRIORITY_${id} = "${layer.priority}"`,
    "",
    ...(layer.dependsOn ? [`LAYERDEPENDS_${id} = "${layer.dependsOn}"`] : []),
    `LAYERSERIES_COMPAT_${id} = "${layer.compat}"`,
    "",
  ].join("\n");
  const readme = [
    `This is the ${layer.name} layer.`,
    "",
    "Dependencies",
    "============",
    "",
    `The layers listed in LAYERDEPENDS_${id} in conf/layer.conf.`,
    "",
    "Adding the layer to a build",
    "===========================",
    "",
    `  kiln layers add-layer /path/to/${layer.name}`,
    "",
    "or add its path to BBLAYERS in conf/bblayers.conf by hand.",
    "",
    "Contents",
    "========",
    "",
    `recipes-${layer.exampleName}/: an example recipe to start from.`,
    "",
  ].join("\n");
  const recipe = [
    `SUMMARY = "An example recipe of the ${layer.name} layer"`,
    'DESCRIPTION = "Prints a message when its tasks run; replace it with real recipes."',
    'LICENSE = "MIT"',
    "",
    "python do_display_banner() {",
    `    bb.plain("Recipe %s of the ${layer.name} layer ran." % d.getVar("PN"))`,
    "}",
    "",
    "addtask display_banner before do_build",
    "",
  ].join("\n");
  const dir = `recipes-${layer.exampleName}/${layer.exampleName}`;
  return new Map([
    ["conf/layer.conf", conf],
    ["README", readme],
    ["COPYING.MIT", MIT_LICENSE],
    [`${dir}/${layer.exampleName}_${layer.exampleVersion}.bb`, recipe],
  ]);
}

const MIT_LICENSE = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
`;
