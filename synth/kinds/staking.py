"""Staking with streamed rewards, Synthetix ``StakingRewards`` style, on OpenZeppelin 5: ETH or an ERC-20.

Stakers deposit the stake asset and earn a share of a reward stream proportional to their stake. The
admin funds a reward period with ``notifyRewardAmount`` (the reward, plus what is left of the running
period, is streamed evenly over ``duration``). The contract keeps an exact upper bound of what it
owes stakers in rewards (``rewardsOwed``), so it can prove solvency when a period is funded and hand
the admin only real surplus (rewards streamed while nobody staked, forfeited rewards, rounding dust,
funds forced in) through ``recoverSurplus()``; stakes and earned rewards are never touched.

Assets: ETH by default. ``erc20_stake`` stakes an ERC-20 given at deployment (``stake_token``;
``stake(uint256)`` pulls it with ``safeTransferFrom``); ``erc20_rewards`` pays rewards in an ERC-20
(``reward_token``; ``notifyRewardAmount(uint256)`` pulls the reward from the caller). Stake and
reward may be the same token: stakes (``totalStaked``) are then kept apart from the reward reserve
(``rewardReserve()`` is the balance minus the stakes). Fee-on-transfer tokens are handled: the pool
books the balance difference it actually received, never the amount asked for.

Optional: ``pausable`` (new stakes and reward claims stop; withdrawing the stake always works) and
``emergency_withdraw`` (take the stake back at once, forfeiting unclaimed rewards).
"""

from __future__ import annotations

from pydantic import model_validator

from synth.scenarios import Call, ExpectEth, ExpectToken, ExpectView, Scenario, Warp, access_scenarios
from synth.spec.types import Address, Duration, EthAmount

from ._access import OZ, Access
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters, TokenRef
from ._tokens import token_grid

E18 = 10**18
STAKE = 5 * E18  # what the scenarios stake


class StakingOptions(KindOptions):
    erc20_stake: bool = False  # stake an ERC-20 (parameters.stake_token) instead of ETH
    erc20_rewards: bool = False  # pay rewards in an ERC-20 (parameters.reward_token) instead of ETH
    pausable: bool = False  # the admin may stop new stakes and reward claims (never withdrawals)
    emergency_withdraw: bool = False  # stakers may take their stake back at once, forfeiting rewards


class StakingParameters(KindParameters):
    duration: Duration = 7 * 86400  # length of a reward period
    reward_amount: EthAmount = 10 * E18  # the reward the admin plans to fund per period (scenarios use it)
    min_stake: EthAmount = 0  # smallest stake accepted, in wei or token units (0: any positive amount)
    stake_token: Address | None = None  # the staked ERC-20, when options.erc20_stake
    reward_token: Address | None = None  # the reward ERC-20, when options.erc20_rewards (may equal stake_token)

    @model_validator(mode="after")
    def _sane(self):
        if self.duration < 60:
            raise ValueError("duration must be at least 60 seconds")
        if self.reward_amount < self.duration:
            raise ValueError("reward_amount must be at least 1 wei per second of duration")
        if self.reward_amount > 10**30 or self.min_stake > 10**30:
            raise ValueError("reward_amount and min_stake must be at most 10**12 ether")
        return self


class Staking(Kind):
    NAME = "staking"
    HELP = ("Staking with rewards streamed over a period funded by the admin (Synthetix style): ETH or an ERC-20 "
            "staked, ETH or an ERC-20 paid as reward; optional pause and emergency withdraw.")
    Options = StakingOptions
    Parameters = StakingParameters

    def _roles(self, spec) -> tuple[str, ...]:
        return ("REWARDS",) + (("PAUSER",) if spec.options.pausable else ())

    def token_refs(self, spec) -> list[TokenRef]:
        o, p = spec.options, spec.parameters
        out = []
        if o.erc20_stake:
            out.append(TokenRef(key="stake_token", standard="erc20", option="erc20_stake", address=p.stake_token))
        if o.erc20_rewards:
            out.append(TokenRef(key="reward_token", standard="erc20", option="erc20_rewards", address=p.reward_token))
        return out

    def constructor_args(self, spec) -> list:
        o = spec.options
        return (["@deployer"] + (["@ref:stake_token"] if o.erc20_stake else [])
                + (["@ref:reward_token"] if o.erc20_rewards else []))

    def grid(self) -> list[dict]:
        # ETH entries first in their old order, then the token entries (each token parameter set to a
        # distinct placeholder), and last the richest ETH entry
        return token_grid(super().grid(), {"erc20_stake": "stake_token", "erc20_rewards": "reward_token"})

    def render(self, spec) -> str:
        o, p = spec.options, spec.parameters
        ts, tr = o.erc20_stake, o.erc20_rewards
        tok = ts or tr
        acc = Access(spec.access, self._roles(spec))
        imports = [f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";'] + acc.imports()
        if tok and not (ts and tr):
            imports.append(f'import {{Address}} from "{OZ}/utils/Address.sol";')
        if tok:
            imports += [f'import {{IERC20}} from "{OZ}/token/ERC20/IERC20.sol";',
                        f'import {{SafeERC20}} from "{OZ}/token/ERC20/utils/SafeERC20.sol";']
        bases = [acc.base(), "ReentrancyGuard"]
        if o.pausable:
            imports.append(f'import {{Pausable}} from "{OZ}/utils/Pausable.sol";')
            bases.append("Pausable")
        when = " whenNotPaused" if o.pausable else ""
        sunit = "token units" if ts else "wei"
        runit = "token units" if tr else "wei"
        sname = "the stake token" if ts else "ETH"
        rname = "the reward token" if tr else "ETH"

        body = ["using SafeERC20 for IERC20;", ""] if tok else []
        body += list(acc.declarations())
        body += [
            "/// @notice Length of a reward period, in seconds.",
            f"uint256 public constant REWARDS_DURATION = {p.duration};",
            f"/// @notice Smallest stake accepted, in {sunit}.",
            f"uint256 public constant MIN_STAKE = {max(p.min_stake, 1)};",
            "",
            "/// @notice Who receives recovered surplus: the admin at deployment.",
            "address public immutable treasury;",
        ]
        if ts:
            body += ["/// @notice The ERC-20 staked.", "IERC20 public immutable stakeToken;"]
        if tr:
            body += ["/// @notice The ERC-20 rewards are paid in.", "IERC20 public immutable rewardToken;"]
        if ts and tr:
            body += ["/// @notice Whether stakes and rewards are the same token (stakes are then kept apart from",
                     "/// the reward reserve).", "bool public immutable sharedToken;"]
        body += [
            "",
            f"/// @notice {'Tokens' if ts else 'ETH'} staked in total, in {sunit}.",
            "uint256 public totalStaked;",
            f"/// @notice {'Tokens' if ts else 'ETH'} staked by each account, in {sunit}.",
            "mapping(address account => uint256) public balanceOf;",
            "",
            f"/// @notice Reward streamed per second during the current period, in {runit}.",
            "uint256 public rewardRate;",
            "/// @notice When the current reward period ends (unix time).",
            "uint256 public periodFinish;",
            "/// @notice Last time the reward accounting was brought up to date.",
            "uint256 public lastUpdateTime;",
            "/// @notice Accumulated reward per staked wei, scaled by 1e18, at lastUpdateTime." if not tok else
            "/// @notice Accumulated reward per staked unit, scaled by 1e18, at lastUpdateTime.",
            "uint256 public rewardPerTokenStored;",
            "/// @notice rewardPerToken already accounted for each account.",
            "mapping(address account => uint256) public userIndexPaid;",
            f"/// @notice Rewards credited to each account and not yet claimed, in {runit}.",
            "mapping(address account => uint256) public rewards;",
            f"/// @notice Upper bound of the rewards streamed to stakers and not yet paid or forfeited, in {runit}.",
            "uint256 public rewardsOwed;",
            "",
            "event Staked(address indexed account, uint256 amount);",
            "event Withdrawn(address indexed account, uint256 amount);",
            "event RewardPaid(address indexed account, uint256 reward);",
            "event RewardAdded(uint256 reward, uint256 rate, uint256 periodFinish);",
            "event SurplusRecovered(address indexed to, uint256 amount);",
        ]
        if o.emergency_withdraw:
            body.append("event EmergencyWithdrawn(address indexed account, uint256 amount, uint256 forfeited);")
        body += [
            "",
            "error ZeroTreasury();",
            "error StakeTooSmall(uint256 minimum);",
            "error InvalidAmount();",
            "error RewardTooSmall();",
            "error InsufficientRewardFunds(uint256 available);",
            "error NothingToRecover();",
        ]
        if not tok:
            body.append("error TransferFailed();")
        if tok:
            body.append("error ZeroToken();")

        calls = [acc.base_ctor_call()] if acc.base_ctor_call() else []
        params = [acc.ctor_param()] + (["IERC20 stakeToken_"] if ts else []) + (["IERC20 rewardToken_"] if tr else [])
        body += ["", f"constructor({', '.join(params)})"] + [f"    {c}" for c in calls] + ["{"]
        body += [f"    {ln}" for ln in acc.ctor_body()]
        body += [f"    if ({acc.admin_param} == address(0)) {{", "        revert ZeroTreasury();", "    }"]
        if tok:
            zero = " || ".join(([f"address(stakeToken_) == address(0)"] if ts else [])
                               + ([f"address(rewardToken_) == address(0)"] if tr else []))
            body += [f"    if ({zero}) {{", "        revert ZeroToken();", "    }"]
        body.append(f"    treasury = {acc.admin_param};")
        if ts:
            body.append("    stakeToken = stakeToken_;")
        if tr:
            body.append("    rewardToken = rewardToken_;")
        if ts and tr:
            body.append("    sharedToken = address(stakeToken_) == address(rewardToken_);")
        body.append("}")

        body += [
            "",
            "/// @dev Bring the reward accounting up to date, globally and for `account` (none if zero).",
            "modifier updateReward(address account) {",
            "    _updateReward(account);",
            "    _;",
            "}",
            "",
            "/// @notice The current time, capped at the end of the reward period.",
            "function lastTimeRewardApplicable() public view returns (uint256) {",
            "    return block.timestamp < periodFinish ? block.timestamp : periodFinish;",
            "}",
            "",
            "/// @notice Accumulated reward per staked wei, scaled by 1e18." if not tok else
            "/// @notice Accumulated reward per staked unit, scaled by 1e18.",
            "function rewardPerToken() public view returns (uint256) {",
            "    if (totalStaked == 0) {" if not tok else "    if (totalStaked < 1) {",
            "        return rewardPerTokenStored;",
            "    }",
            "    return rewardPerTokenStored",
            "        + ((lastTimeRewardApplicable() - lastUpdateTime) * rewardRate * 1e18) / totalStaked;",
            "}",
            "",
            f"/// @notice Rewards `account` has earned and not yet claimed, in {runit}.",
            "function earned(address account) public view returns (uint256) {",
            "    return (balanceOf[account] * (rewardPerToken() - userIndexPaid[account])) / 1e18",
            "        + rewards[account];",
            "}",
            "",
            f"/// @notice Reward still to be streamed in the current period, in {runit}.",
            "function rewardsRemaining() public view returns (uint256) {",
            "    return block.timestamp < periodFinish ? (periodFinish - block.timestamp) * rewardRate : 0;",
            "}",
            "",
        ]
        if not tok:
            body += [
                "/// @notice ETH the contract holds beyond stakes, owed rewards and the rest of the period, in wei.",
                "function surplus() public view returns (uint256) {",
                "    uint256 pending = totalStaked > 0 ? (lastTimeRewardApplicable() - lastUpdateTime) * rewardRate : 0;",
                "    uint256 committed = totalStaked + rewardsOwed + pending + rewardsRemaining();",
                "    uint256 held = address(this).balance;",
                "    return held > committed ? held - committed : 0;",
                "}",
            ]
        else:
            held_r = "rewardToken.balanceOf(address(this))" if tr else "address(this).balance"
            body += [
                f"/// @notice {sname[0].upper() + sname[1:]} the contract holds, in {sunit}: the stakes (and the",
                "/// rewards too when they are the same token).",
                "function stakeBalance() public view returns (uint256) {",
                f"    return {'stakeToken.balanceOf(address(this))' if ts else 'address(this).balance'};",
                "}",
                "",
                f"/// @notice {rname[0].upper() + rname[1:]} the contract holds beyond the stakes, in {runit}:",
                "/// owed rewards, the rest of the period and surplus.",
                "function rewardReserve() public view returns (uint256) {",
            ]
            if ts and tr:
                body += [f"    uint256 held = {held_r};",
                         "    if (!sharedToken) {", "        return held;", "    }",
                         "    return held > totalStaked ? held - totalStaked : 0;"]
            else:
                body.append(f"    return {held_r};")
            body += [
                "}",
                "",
                f"/// @notice {rname[0].upper() + rname[1:]} the contract holds beyond stakes, owed rewards and",
                f"/// the rest of the period, in {runit}.",
                "function surplus() public view returns (uint256) {",
                "    uint256 pending = totalStaked > 0 ? (lastTimeRewardApplicable() - lastUpdateTime) * rewardRate : 0;",
                "    uint256 committed = rewardsOwed + pending + rewardsRemaining();",
                "    uint256 held = rewardReserve();",
                "    return held > committed ? held - committed : 0;",
                "}",
            ]
        body.append("")
        if ts:
            body += [
                "/// @notice Stake `amount` of the stake token (approve it first); the amount received is booked.",
                f"function stake(uint256 amount) external nonReentrant{when} updateReward(msg.sender) {{",
                "    if (amount < MIN_STAKE) {",
                "        revert StakeTooSmall(MIN_STAKE);",
                "    }",
                "    uint256 received = _pull(stakeToken, amount);",
                "    if (received < MIN_STAKE) {",
                "        revert StakeTooSmall(MIN_STAKE);",
                "    }",
                "    totalStaked += received;",
                "    balanceOf[msg.sender] += received;",
                "    emit Staked(msg.sender, received);",
                "}",
            ]
        else:
            body += [
                "/// @notice Stake the ETH sent.",
                f"function stake() external payable nonReentrant{when} updateReward(msg.sender) {{",
                "    if (msg.value < MIN_STAKE) {",
                "        revert StakeTooSmall(MIN_STAKE);",
                "    }",
                "    totalStaked += msg.value;",
                "    balanceOf[msg.sender] += msg.value;",
                "    emit Staked(msg.sender, msg.value);",
                "}",
            ]

        def send_eth(to: str, amount: str) -> str:
            return f"Address.sendValue(payable({to}), {amount});" if tok else f"_send({to}, {amount});"

        def send_s(to: str, amount: str) -> str:
            return f"stakeToken.safeTransfer({to}, {amount});" if ts else send_eth(to, amount)

        def send_r(to: str, amount: str) -> str:
            return f"rewardToken.safeTransfer({to}, {amount});" if tr else send_eth(to, amount)

        body += [
            "",
            f"/// @notice Take `amount` {sunit} of your stake back; always possible.",
            "/// @custom:ouro-slot withdraw",
            "function withdraw(uint256 amount) public nonReentrant updateReward(msg.sender) {",
            "    _withdraw(amount);",
            f"    {send_s('msg.sender', 'amount')}",
            "}",
            "",
            "/// @notice Claim your earned rewards.",
            "/// @custom:ouro-slot getReward",
            f"function getReward() public nonReentrant{when} updateReward(msg.sender) {{",
            "    uint256 reward = _takeReward();",
            "    if (reward > 0) {",
            f"        {send_r('msg.sender', 'reward')}",
            "    }",
            "}",
            "",
            "/// @notice Take your whole stake back and claim your rewards.",
            f"function exit() external nonReentrant{when} updateReward(msg.sender) {{",
            "    uint256 amount = balanceOf[msg.sender];",
            "    _withdraw(amount);",
            "    uint256 reward = _takeReward();",
        ]
        if tok:
            body += [f"    {send_s('msg.sender', 'amount')}", "    if (reward > 0) {",
                     f"        {send_r('msg.sender', 'reward')}", "    }", "}"]
        else:
            body += ["    _send(msg.sender, amount + reward);", "}"]
        if o.emergency_withdraw:
            body += [
                "",
                "/// @notice Take your whole stake back now, forfeiting your unclaimed rewards to the surplus.",
                "function emergencyWithdraw() external nonReentrant updateReward(msg.sender) {",
                "    uint256 amount = balanceOf[msg.sender];",
                "    _withdraw(amount);",
                "    uint256 forfeited = rewards[msg.sender];",
                "    rewards[msg.sender] = 0;",
                "    rewardsOwed -= forfeited;",
                "    emit EmergencyWithdrawn(msg.sender, amount, forfeited);",
                f"    {send_s('msg.sender', 'amount')}",
                "}",
            ]
        if tr:
            body += [
                "",
                "/// @notice Fund a reward period with `reward` of the reward token, pulled from the caller (approve it",
                "/// first): what arrives and what is left of the running period are streamed evenly over the next",
                "/// REWARDS_DURATION seconds.",
                "/// @custom:ouro-slot notifyRewardAmount",
                f"function notifyRewardAmount(uint256 reward) external {acc.guard('REWARDS')} nonReentrant "
                "updateReward(address(0)) {",
                "    uint256 received = reward > 0 ? _pull(rewardToken, reward) : 0;",
                "    uint256 total = received + rewardsRemaining();",
                "    uint256 available = rewardReserve() - rewardsOwed;",
            ]
        else:
            body += [
                "",
                "/// @notice Fund a reward period with the ETH sent: it and what is left of the running period are",
                "/// streamed evenly over the next REWARDS_DURATION seconds.",
                "/// @custom:ouro-slot notifyRewardAmount",
                f"function notifyRewardAmount() external payable {acc.guard('REWARDS')} updateReward(address(0)) {{",
                "    uint256 total = msg.value + rewardsRemaining();",
                "    uint256 available = address(this).balance - totalStaked - rewardsOwed;" if not tok else
                "    uint256 available = rewardReserve() - rewardsOwed;",
            ]
        body += [
            "    if (total > available) {",
            "        revert InsufficientRewardFunds(available);",
            "    }",
            "    uint256 rate = total / REWARDS_DURATION;",
            "    if (rate < 1) {",
            "        revert RewardTooSmall();",
            "    }",
            "    rewardRate = rate;",
            "    lastUpdateTime = block.timestamp;",
            "    periodFinish = block.timestamp + REWARDS_DURATION;",
            f"    emit RewardAdded({'received' if tr else 'msg.value'}, rate, periodFinish);",
            "}",
            "",
            f"/// @notice Send the surplus ({rname} not owed to stakers) to the treasury." if tok else
            "/// @notice Send the surplus (ETH not owed to stakers) to the treasury.",
            "/// @custom:ouro-slot recoverSurplus",
            f"function recoverSurplus() external {acc.guard('REWARDS')} nonReentrant updateReward(address(0)) {{",
            "    uint256 amount = surplus();",
            "    if (amount < 1) {",
            "        revert NothingToRecover();",
            "    }",
            "    emit SurplusRecovered(treasury, amount);",
            f"    {send_r('treasury', 'amount')}",
            "}",
        ]
        if o.pausable:
            body += ["", "/// @notice Stop new stakes and reward claims; withdrawing stakes keeps working.",
                     f"function pause() external {acc.guard('PAUSER')} {{", "    _pause();", "}",
                     "", "/// @notice Resume staking and reward claims.",
                     f"function unpause() external {acc.guard('PAUSER')} {{", "    _unpause();", "}"]
        body += [
            "",
            "/// @custom:ouro-slot updateReward",
            "function _updateReward(address account) internal {",
            "    uint256 applicable = lastTimeRewardApplicable();",
            "    if (totalStaked > 0) {",
            "        rewardsOwed += (applicable - lastUpdateTime) * rewardRate;",
            "    }",
            "    rewardPerTokenStored = rewardPerToken();",
            "    lastUpdateTime = applicable;",
            "    if (account != address(0)) {",
            "        rewards[account] = earned(account);",
            "        userIndexPaid[account] = rewardPerTokenStored;",
            "    }",
            "}",
            "",
            "function _withdraw(uint256 amount) private {",
            "    if (amount < 1 || amount > balanceOf[msg.sender]) {",
            "        revert InvalidAmount();",
            "    }",
            "    balanceOf[msg.sender] -= amount;",
            "    totalStaked -= amount;",
            "    emit Withdrawn(msg.sender, amount);",
            "}",
            "",
            "function _takeReward() private returns (uint256 reward) {",
            "    reward = rewards[msg.sender];",
            "    if (reward > 0) {",
            "        rewards[msg.sender] = 0;",
            "        rewardsOwed -= reward;",
            "        emit RewardPaid(msg.sender, reward);",
            "    }",
            "}",
        ]
        if tok:
            body += [
                "",
                "/// @dev Pull `amount` of `token` from the caller; returns what actually arrived (a fee-on-transfer",
                "/// token delivers less than was asked for, and only what arrived is booked).",
                "function _pull(IERC20 token, uint256 amount) private returns (uint256 received) {",
                "    uint256 before = token.balanceOf(address(this));",
                "    token.safeTransferFrom(msg.sender, address(this), amount);",
                "    received = token.balanceOf(address(this)) - before;",
                "}",
            ]
        if not tok:
            body += [
                "",
                "function _send(address to, uint256 amount) private {",
                '    (bool ok, ) = payable(to).call{value: amount}("");',
                "    if (!ok) {",
                "        revert TransferFailed();",
                "    }",
                "}",
            ]
        feats = [f for f, on in (("pausable", o.pausable), ("emergency withdraw", o.emergency_withdraw)) if on]
        if tok:
            default = (f"Stake {'an ERC-20 token' if ts else 'ETH'} and earn "
                       f"{'rewards in an ERC-20 token' if tr else 'ETH rewards'} streamed over periods of "
                       f"{p.duration} seconds, funded by the admin" + (f"; {', '.join(feats)}." if feats else "."))
            dev = ("Solvency is checked when a period is funded; the admin recovers only surplus, never stakes "
                   "or earned rewards. Tokens are moved with SafeERC20 (a token returning false reverts); "
                   "fee-on-transfer tokens are handled by booking the balance difference actually received. "
                   "Rebasing tokens are not supported.")
        else:
            default = ("Stake ETH and earn ETH rewards streamed over periods of "
                       f"{p.duration} seconds, funded by the admin" + (f"; {', '.join(feats)}." if feats else "."))
            dev = ("Solvency is checked when a period is funded; the admin recovers only surplus, never stakes "
                   "or earned rewards.")
        doc = natspec(spec.name, spec.description or default, dev)
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)

    def invariants(self, spec) -> list[str]:
        o = spec.options
        if o.erc20_stake or o.erc20_rewards:
            return ["totalStaked() == sum(balanceOf(a) for a in actors)",
                    "stakeBalance() >= totalStaked()",
                    "sum(rewards(a) for a in actors) <= rewardsOwed()",
                    "rewardReserve() >= rewardsOwed() + rewardsRemaining()"]
        return ["totalStaked() == sum(balanceOf(a) for a in actors)",
                "balance(this) >= totalStaked() + rewardsOwed()",
                "sum(rewards(a) for a in actors) <= rewardsOwed()",
                "balance(this) >= totalStaked() + rewardsOwed() + rewardsRemaining()"]

    # privileged slots: slot name -> signature; each gets an access_<slot> scenario
    def scenarios(self, spec) -> list[Scenario]:
        out = self._scenarios(spec)
        return out + access_scenarios(out, {"notifyRewardAmount": "notifyRewardAmount(uint256)" if spec.options.erc20_rewards else "notifyRewardAmount()",
                  "recoverSurplus": "recoverSurplus()"})

    def _scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        ts, tr = o.erc20_stake, o.erc20_rewards
        # one asset for stakes and rewards: both ETH, or one token given for both; two tokens whose
        # addresses are not both given (a system's `uses`) may be one token or two
        shared = (not ts and not tr) or (ts and tr and p.stake_token is not None and p.stake_token == p.reward_token)
        unknown = ts and tr and not shared and (p.stake_token is None or p.reward_token is None)
        stake = max(STAKE, p.min_stake)
        reward = p.reward_amount

        def stake_call(actor: str, amount: int, reverts: bool = False) -> Call:
            if ts:
                return Call(actor, "stake(uint256)", [amount], reverts=reverts)
            return Call(actor, "stake()", [], value=amount, reverts=reverts)

        def notify(actor: str, amount: int, reverts: bool = False) -> Call:
            if tr:
                return Call(actor, "notifyRewardAmount(uint256)", [amount], reverts=reverts)
            return Call(actor, "notifyRewardAmount()", [], value=amount, reverts=reverts)

        def held(actor: str, staked: int = 0, rewarded: int = 0) -> list:
            """The actor's change of the stake asset and of the reward asset since the start."""
            def one(token: bool, key: str, delta: int):
                return ExpectToken(actor, key, delta) if token else ExpectEth(actor, delta)
            if shared:
                return [one(ts, "stake_token", staked + rewarded)]
            if unknown:  # only the checks that hold whether the two are one token or not
                return (([one(ts, "stake_token", staked)] if rewarded == 0 else [])
                        + ([one(tr, "reward_token", rewarded)] if staked == 0 else []))
            return [one(ts, "stake_token", staked), one(tr, "reward_token", rewarded)]

        out = []
        steps = []
        if p.min_stake > 1:
            steps.append(stake_call("alice", p.min_stake - 1, reverts=True))
        steps += [stake_call("alice", 0, reverts=True),
                  stake_call("alice", stake),
                  ExpectView("balanceOf(address)", ["@alice"], stake),
                  ExpectView("totalStaked()", [], stake)]
        if ts:
            steps += [ExpectView("stakeBalance()", [], stake), ExpectToken("alice", "stake_token", -stake)]
        steps += [Call("attacker", "withdraw(uint256)", [1], reverts=True),
                  Call("alice", "withdraw(uint256)", [stake + 1], reverts=True),
                  Call("alice", "withdraw(uint256)", [stake]),
                  ExpectView("totalStaked()", [], 0)]
        steps += held("alice")
        out.append(Scenario("stake_and_withdraw", "a stake is recorded and can be taken back in full", steps))
        if ts:
            out.append(Scenario("stake_needs_an_allowance", "without an allowance the stake token is not taken", [
                Call("bob", "approve(address,uint256)", ["@target", 0], on="stake_token"),
                stake_call("bob", stake, reverts=True),
                Call("bob", "approve(address,uint256)", ["@target", stake], on="stake_token"),
                stake_call("bob", stake),
                ExpectView("balanceOf(address)", ["@bob"], stake),
                ExpectView("allowance(address,address)", ["@bob", "@target"], 0, on="stake_token"),
                ExpectToken("bob", "stake_token", -stake)]))

        if reward + stake <= 5_000 * E18:
            streamed = (reward // p.duration) * p.duration
            paid = (stake * ((streamed * E18) // stake)) // E18  # one accounting interval covers the period
            steps = [stake_call("alice", stake),
                     notify("attacker", reward, reverts=True),
                     notify("deployer", p.duration - 1, reverts=True),
                     notify("deployer", reward),
                     ExpectView("rewardRate()", [], reward // p.duration)]
            if tr:
                steps.append(ExpectToken("deployer", "reward_token", -reward))
            steps += [Warp(p.duration + 60),
                      ExpectView("earned(address)", ["@alice"], paid),
                      Call("alice", "exit()")]
            steps += held("alice", 0, paid)
            steps += [ExpectView("earned(address)", ["@alice"], 0),
                      ExpectView("rewardsOwed()", [], streamed - paid),
                      ExpectView("totalStaked()", [], 0)]
            steps += held("deployer", 0, -reward)[-1:]
            out.append(Scenario("sole_staker_earns_the_period", "a lone staker earns the whole funded period", steps))
            out.append(Scenario("surplus_goes_to_treasury", "rewards streamed while nobody staked are surplus", [
                notify("deployer", reward),
                Warp(p.duration // 2),
                stake_call("alice", stake),
                Call("attacker", "recoverSurplus()", [], reverts=True),
                Call("alice", "recoverSurplus()", [], reverts=True),
                Call("deployer", "recoverSurplus()"),
                ExpectView("balanceOf(address)", ["@alice"], stake),
                Warp(p.duration),
                Call("alice", "exit()"),
                ExpectView("totalStaked()", [], 0),
                ExpectView("earned(address)", ["@alice"], 0)] + held("attacker")))
        if o.pausable:
            out.append(Scenario("pause_stops_stakes_not_withdrawals", "paused: no new stakes, withdrawals work", [
                stake_call("alice", stake),
                Call("attacker", "pause()", [], reverts=True),
                Call("deployer", "pause()"),
                stake_call("bob", stake, reverts=True),
                Call("alice", "withdraw(uint256)", [stake])] + held("alice") + [
                Call("deployer", "unpause()"),
                stake_call("bob", stake),
                ExpectView("totalStaked()", [], stake)]))
        if o.emergency_withdraw and reward + stake <= 5_000 * E18:
            out.append(Scenario("emergency_withdraw_forfeits_rewards", "the stake comes back, the rewards do not", [
                stake_call("alice", stake),
                notify("deployer", reward),
                Warp(p.duration // 2),
                Call("attacker", "emergencyWithdraw()", [], reverts=True),
                Call("alice", "emergencyWithdraw()")] + held("alice") + [
                ExpectView("earned(address)", ["@alice"], 0),
                ExpectView("rewards(address)", ["@alice"], 0),
                ExpectView("totalStaked()", [], 0)]))
        return out
