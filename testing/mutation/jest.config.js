/** The unit project alone, for Stryker: each mutant runs the unit tests that cover it (perTest coverage). */
const path = require("node:path");
const { projects } = require("../../jest.config.js");

const unit = projects.find((project) => project.displayName === "unit");
module.exports = {
  ...unit,
  rootDir: path.resolve(__dirname, "../.."),
  testSequencer: path.join(__dirname, "fastestFirst.js"),
};
