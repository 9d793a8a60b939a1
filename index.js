// n8n loads the nodes and credentials listed in package.json's "n8n" section from dist/;
// this entry point only lets `require('n8n-nodes-m365')` resolve.
module.exports = {};
