// Placeholder until the database test setup lands (creates and migrates a fresh database per run).
export default async function setup(): Promise<void> {}
