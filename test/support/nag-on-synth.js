// Preloaded (`-r`) into a README program: cdk-nag's AWS Solutions checks on each app it synthesizes,
// so what people copy and deploy is checked as the library's own stacks are (test/cdk-nag.test.ts).
const { App, Aspects } = require('aws-cdk-lib');
const { AwsSolutionsChecks } = require('cdk-nag');

const synth = App.prototype.synth;
App.prototype.synth = function synthWithNag(options) {
  Aspects.of(this).add(new AwsSolutionsChecks());
  return synth.call(this, options);
};
