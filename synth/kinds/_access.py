"""The three access modes every kind offers, as pieces a template drops in.

- ``ownable``: OpenZeppelin ``Ownable``; the first constructor argument is the owner.
- ``roles``: ``AccessControl``; one role per privileged action, all granted to the admin.
- ``managed``: ``AccessManaged``; the constructor creates an ``AccessManager`` administered by
  the admin, and privileged functions are ``restricted`` (admin-only until the admin assigns roles).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Access"]

OZ = "@openzeppelin/contracts"
OZU = "@openzeppelin/contracts-upgradeable"


@dataclass
class Access:
    mode: str  # ownable | roles | managed
    roles: tuple[str, ...] = ()  # e.g. ("MINTER", "PAUSER"), for mode "roles"

    @property
    def admin_param(self) -> str:
        return {"ownable": "initialOwner", "roles": "defaultAdmin", "managed": "initialAdmin"}[self.mode]

    def imports(self) -> list[str]:
        if self.mode == "ownable":
            return [f'import {{Ownable}} from "{OZ}/access/Ownable.sol";']
        if self.mode == "roles":
            return [f'import {{AccessControl}} from "{OZ}/access/AccessControl.sol";']
        return [f'import {{AccessManaged}} from "{OZ}/access/manager/AccessManaged.sol";',
                f'import {{AccessManager}} from "{OZ}/access/manager/AccessManager.sol";']

    def base(self) -> str:
        return {"ownable": "Ownable", "roles": "AccessControl", "managed": "AccessManaged"}[self.mode]

    def ctor_param(self) -> str:
        return f"address {self.admin_param}"

    def base_ctor_call(self) -> str | None:
        if self.mode == "ownable":
            return f"Ownable({self.admin_param})"
        if self.mode == "managed":
            return f"AccessManaged(address(new AccessManager({self.admin_param})))"
        return None

    def declarations(self) -> list[str]:
        if self.mode != "roles":
            return []
        return [f'bytes32 public constant {r}_ROLE = keccak256("{r}_ROLE");' for r in self.roles]

    def ctor_body(self) -> list[str]:
        if self.mode != "roles":
            return []
        lines = [f"_grantRole(DEFAULT_ADMIN_ROLE, {self.admin_param});"]
        lines += [f"_grantRole({r}_ROLE, {self.admin_param});" for r in self.roles]
        return lines

    # -- upgradeable variants (initializer instead of constructor) --------------------------
    def imports_upgradeable(self) -> list[str]:
        if self.mode == "ownable":
            return [f'import {{OwnableUpgradeable}} from "{OZU}/access/OwnableUpgradeable.sol";']
        if self.mode == "roles":
            return [f'import {{AccessControlUpgradeable}} from "{OZU}/access/AccessControlUpgradeable.sol";']
        return [f'import {{AccessManagedUpgradeable}} from "{OZU}/access/manager/AccessManagedUpgradeable.sol";',
                f'import {{AccessManager}} from "{OZ}/access/manager/AccessManager.sol";']

    def base_upgradeable(self) -> str:
        return self.base() + "Upgradeable"

    def init_call(self) -> str:
        if self.mode == "ownable":
            return f"__Ownable_init({self.admin_param});"
        if self.mode == "roles":
            return "__AccessControl_init();"
        return f"__AccessManaged_init(address(new AccessManager({self.admin_param})));"

    def guard(self, role: str) -> str:
        """The modifier that protects an action needing ``role``."""
        if self.mode == "ownable":
            return "onlyOwner"
        if self.mode == "roles":
            return f"onlyRole({role}_ROLE)"
        return "restricted"
