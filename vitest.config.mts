import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Scenarios that restart RabbitMQ would break tests running beside them in other files.
    fileParallelism: false,
    testTimeout: 20_000,
  },
});
