/** Every contract of the protocol, as the bot must follow them (the index is built from all their events). */
export const ALL_CONTRACTS = [
  "protocol-registry",
  "insurance-council",
  "capital-pool",
  "cybersecurity-insurance-defi",
  "policy-ledger",
  "assessor-staking",
  "claims-assessment",
];
