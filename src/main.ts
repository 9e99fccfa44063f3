// PLACEHOLDER (being written): the GitHub Action entry point.
export {};
