"""Constants shared by the chains and the in-process engine, without importing web3."""

# Anvil's and Ganache's well-known test mnemonic: the in-process engine derives the same accounts.
DEFAULT_MNEMONIC = "test test test test test test test test test test test junk"
