"""ETH staking with ETH rewards, Synthetix ``StakingRewards`` style, on OpenZeppelin 5.

Stakers deposit ETH and earn a share of a reward stream proportional to their stake. The admin
funds a reward period with ``notifyRewardAmount()`` (the ETH sent, plus what is left of the running
period, is streamed evenly over ``duration``). The contract keeps an exact upper bound of what it
owes stakers in rewards (``rewardsOwed``), so it can prove solvency when a period is funded and
hand the admin only real surplus (rewards streamed while nobody staked, forfeited rewards,
rounding dust, ETH forced in) through ``recoverSurplus()``; stakes and earned rewards are never
touched. Optional: ``pausable`` (new stakes and reward claims stop; withdrawing the stake always
works) and ``emergency_withdraw`` (take the stake back at once, forfeiting unclaimed rewards).
"""

from __future__ import annotations

from pydantic import model_validator

from synth.scenarios import Call, ExpectEth, ExpectView, Scenario, Warp
from synth.spec.types import Duration, EthAmount

from ._access import OZ, Access
from ._render import assemble, natspec
from .base import Kind, KindOptions, KindParameters

E18 = 10**18
STAKE = 5 * E18  # what the scenarios stake


class StakingOptions(KindOptions):
    pausable: bool = False  # the admin may stop new stakes and reward claims (never withdrawals)
    emergency_withdraw: bool = False  # stakers may take their stake back at once, forfeiting rewards


class StakingParameters(KindParameters):
    duration: Duration = 7 * 86400  # length of a reward period
    reward_amount: EthAmount = 10 * E18  # the reward the admin plans to fund per period (scenarios use it)
    min_stake: EthAmount = 0  # smallest stake accepted, in wei (0: any positive amount)

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
    HELP = ("ETH staking with ETH rewards streamed over a period funded by the admin (Synthetix style); "
            "optional pause and emergency withdraw.")
    Options = StakingOptions
    Parameters = StakingParameters

    def _roles(self, spec) -> tuple[str, ...]:
        return ("REWARDS",) + (("PAUSER",) if spec.options.pausable else ())

    def render(self, spec) -> str:
        o, p = spec.options, spec.parameters
        acc = Access(spec.access, self._roles(spec))
        imports = [f'import {{ReentrancyGuard}} from "{OZ}/utils/ReentrancyGuard.sol";'] + acc.imports()
        bases = [acc.base(), "ReentrancyGuard"]
        if o.pausable:
            imports.append(f'import {{Pausable}} from "{OZ}/utils/Pausable.sol";')
            bases.append("Pausable")
        when = " whenNotPaused" if o.pausable else ""

        body = list(acc.declarations())
        body += [
            "/// @notice Length of a reward period, in seconds.",
            f"uint256 public constant REWARDS_DURATION = {p.duration};",
            "/// @notice Smallest stake accepted, in wei.",
            f"uint256 public constant MIN_STAKE = {max(p.min_stake, 1)};",
            "",
            "/// @notice Who receives recovered surplus: the admin at deployment.",
            "address public immutable treasury;",
            "",
            "/// @notice ETH staked in total, in wei.",
            "uint256 public totalStaked;",
            "/// @notice ETH staked by each account, in wei.",
            "mapping(address account => uint256) public balanceOf;",
            "",
            "/// @notice Reward streamed per second during the current period, in wei.",
            "uint256 public rewardRate;",
            "/// @notice When the current reward period ends (unix time).",
            "uint256 public periodFinish;",
            "/// @notice Last time the reward accounting was brought up to date.",
            "uint256 public lastUpdateTime;",
            "/// @notice Accumulated reward per staked wei, scaled by 1e18, at lastUpdateTime.",
            "uint256 public rewardPerTokenStored;",
            "/// @notice rewardPerToken already accounted for each account.",
            "mapping(address account => uint256) public userIndexPaid;",
            "/// @notice Rewards credited to each account and not yet claimed, in wei.",
            "mapping(address account => uint256) public rewards;",
            "/// @notice Upper bound of the rewards streamed to stakers and not yet paid or forfeited, in wei.",
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
            "error TransferFailed();",
        ]

        calls = [acc.base_ctor_call()] if acc.base_ctor_call() else []
        body += ["", f"constructor({acc.ctor_param()})"] + [f"    {c}" for c in calls] + ["{"]
        body += [f"    {ln}" for ln in acc.ctor_body()]
        body += [f"    if ({acc.admin_param} == address(0)) {{", "        revert ZeroTreasury();", "    }",
                 f"    treasury = {acc.admin_param};", "}"]

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
            "/// @notice Accumulated reward per staked wei, scaled by 1e18.",
            "function rewardPerToken() public view returns (uint256) {",
            "    if (totalStaked == 0) {",
            "        return rewardPerTokenStored;",
            "    }",
            "    return rewardPerTokenStored",
            "        + ((lastTimeRewardApplicable() - lastUpdateTime) * rewardRate * 1e18) / totalStaked;",
            "}",
            "",
            "/// @notice Rewards `account` has earned and not yet claimed, in wei.",
            "function earned(address account) public view returns (uint256) {",
            "    return (balanceOf[account] * (rewardPerToken() - userIndexPaid[account])) / 1e18",
            "        + rewards[account];",
            "}",
            "",
            "/// @notice Reward still to be streamed in the current period, in wei.",
            "function rewardsRemaining() public view returns (uint256) {",
            "    return block.timestamp < periodFinish ? (periodFinish - block.timestamp) * rewardRate : 0;",
            "}",
            "",
            "/// @notice ETH the contract holds beyond stakes, owed rewards and the rest of the period, in wei.",
            "function surplus() public view returns (uint256) {",
            "    uint256 pending = totalStaked > 0 ? (lastTimeRewardApplicable() - lastUpdateTime) * rewardRate : 0;",
            "    uint256 committed = totalStaked + rewardsOwed + pending + rewardsRemaining();",
            "    uint256 held = address(this).balance;",
            "    return held > committed ? held - committed : 0;",
            "}",
            "",
            "/// @notice Stake the ETH sent.",
            f"function stake() external payable nonReentrant{when} updateReward(msg.sender) {{",
            "    if (msg.value < MIN_STAKE) {",
            "        revert StakeTooSmall(MIN_STAKE);",
            "    }",
            "    totalStaked += msg.value;",
            "    balanceOf[msg.sender] += msg.value;",
            "    emit Staked(msg.sender, msg.value);",
            "}",
            "",
            "/// @notice Take `amount` wei of your stake back; always possible.",
            "/// @custom:ouro-slot withdraw",
            "function withdraw(uint256 amount) public nonReentrant updateReward(msg.sender) {",
            "    _withdraw(amount);",
            "    _send(msg.sender, amount);",
            "}",
            "",
            "/// @notice Claim your earned rewards.",
            f"function getReward() public nonReentrant{when} updateReward(msg.sender) {{",
            "    uint256 reward = _takeReward();",
            "    if (reward > 0) {",
            "        _send(msg.sender, reward);",
            "    }",
            "}",
            "",
            "/// @notice Take your whole stake back and claim your rewards.",
            f"function exit() external nonReentrant{when} updateReward(msg.sender) {{",
            "    uint256 amount = balanceOf[msg.sender];",
            "    _withdraw(amount);",
            "    uint256 reward = _takeReward();",
            "    _send(msg.sender, amount + reward);",
            "}",
        ]
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
                "    _send(msg.sender, amount);",
                "}",
            ]
        body += [
            "",
            "/// @notice Fund a reward period with the ETH sent: it and what is left of the running period are",
            "/// streamed evenly over the next REWARDS_DURATION seconds.",
            f"function notifyRewardAmount() external payable {acc.guard('REWARDS')} updateReward(address(0)) {{",
            "    uint256 total = msg.value + rewardsRemaining();",
            "    uint256 available = address(this).balance - totalStaked - rewardsOwed;",
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
            "    emit RewardAdded(msg.value, rate, periodFinish);",
            "}",
            "",
            "/// @notice Send the surplus (ETH not owed to stakers) to the treasury.",
            f"function recoverSurplus() external {acc.guard('REWARDS')} nonReentrant updateReward(address(0)) {{",
            "    uint256 amount = surplus();",
            "    if (amount < 1) {",
            "        revert NothingToRecover();",
            "    }",
            "    emit SurplusRecovered(treasury, amount);",
            "    _send(treasury, amount);",
            "}",
        ]
        if o.pausable:
            body += ["", "/// @notice Stop new stakes and reward claims; withdrawing stakes keeps working.",
                     f"function pause() external {acc.guard('PAUSER')} {{", "    _pause();", "}",
                     "", "/// @notice Resume staking and reward claims.",
                     f"function unpause() external {acc.guard('PAUSER')} {{", "    _unpause();", "}"]
        body += [
            "",
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
            "",
            "function _send(address to, uint256 amount) private {",
            '    (bool ok, ) = payable(to).call{value: amount}("");',
            "    if (!ok) {",
            "        revert TransferFailed();",
            "    }",
            "}",
        ]
        feats = [f for f, on in (("pausable", o.pausable), ("emergency withdraw", o.emergency_withdraw)) if on]
        default = ("Stake ETH and earn ETH rewards streamed over periods of "
                   f"{p.duration} seconds, funded by the admin" + (f"; {', '.join(feats)}." if feats else "."))
        doc = natspec(spec.name, spec.description or default,
                      "Solvency is checked when a period is funded; the admin recovers only surplus, never stakes "
                      "or earned rewards.")
        return assemble(license=spec.license, imports=imports, doc=doc, name=spec.name, bases=bases, body=body)

    def invariants(self, spec) -> list[str]:
        return ["totalStaked() == sum(balanceOf(a) for a in actors)",
                "balance(this) >= totalStaked() + rewardsOwed()",
                "sum(rewards(a) for a in actors) <= rewardsOwed()",
                "balance(this) >= totalStaked() + rewardsOwed() + rewardsRemaining()"]

    def scenarios(self, spec) -> list[Scenario]:
        o, p = spec.options, spec.parameters
        stake = max(STAKE, p.min_stake)
        reward = p.reward_amount
        out = []
        steps = []
        if p.min_stake > 1:
            steps.append(Call("alice", "stake()", [], value=p.min_stake - 1, reverts=True))
        steps += [Call("alice", "stake()", [], value=0, reverts=True),
                  Call("alice", "stake()", [], value=stake),
                  ExpectView("balanceOf(address)", ["@alice"], stake),
                  ExpectView("totalStaked()", [], stake),
                  Call("attacker", "withdraw(uint256)", [1], reverts=True),
                  Call("alice", "withdraw(uint256)", [stake + 1], reverts=True),
                  Call("alice", "withdraw(uint256)", [stake]),
                  ExpectView("totalStaked()", [], 0),
                  ExpectEth("alice", 0)]
        out.append(Scenario("stake_and_withdraw", "a stake is recorded and can be taken back in full", steps))

        if reward + stake <= 5_000 * E18:
            streamed = (reward // p.duration) * p.duration
            paid = (stake * ((streamed * E18) // stake)) // E18  # one accounting interval covers the period
            out.append(Scenario("sole_staker_earns_the_period", "a lone staker earns the whole funded period", [
                Call("alice", "stake()", [], value=stake),
                Call("attacker", "notifyRewardAmount()", [], value=reward, reverts=True),
                Call("deployer", "notifyRewardAmount()", [], value=p.duration - 1, reverts=True),
                Call("deployer", "notifyRewardAmount()", [], value=reward),
                ExpectView("rewardRate()", [], reward // p.duration),
                Warp(p.duration + 60),
                ExpectView("earned(address)", ["@alice"], paid),
                Call("alice", "exit()"),
                ExpectEth("alice", paid),
                ExpectView("earned(address)", ["@alice"], 0),
                ExpectView("rewardsOwed()", [], streamed - paid),
                ExpectView("totalStaked()", [], 0),
                ExpectEth("deployer", -reward)]))
            out.append(Scenario("surplus_goes_to_treasury", "rewards streamed while nobody staked are surplus", [
                Call("deployer", "notifyRewardAmount()", [], value=reward),
                Warp(p.duration // 2),
                Call("alice", "stake()", [], value=stake),
                Call("attacker", "recoverSurplus()", [], reverts=True),
                Call("alice", "recoverSurplus()", [], reverts=True),
                Call("deployer", "recoverSurplus()"),
                ExpectView("balanceOf(address)", ["@alice"], stake),
                Warp(p.duration),
                Call("alice", "exit()"),
                ExpectView("totalStaked()", [], 0),
                ExpectView("earned(address)", ["@alice"], 0),
                ExpectEth("attacker", 0)]))
        if o.pausable:
            out.append(Scenario("pause_stops_stakes_not_withdrawals", "paused: no new stakes, withdrawals work", [
                Call("alice", "stake()", [], value=stake),
                Call("attacker", "pause()", [], reverts=True),
                Call("deployer", "pause()"),
                Call("bob", "stake()", [], value=stake, reverts=True),
                Call("alice", "withdraw(uint256)", [stake]),
                ExpectEth("alice", 0),
                Call("deployer", "unpause()"),
                Call("bob", "stake()", [], value=stake),
                ExpectView("totalStaked()", [], stake)]))
        if o.emergency_withdraw and reward + stake <= 5_000 * E18:
            out.append(Scenario("emergency_withdraw_forfeits_rewards", "the stake comes back, the rewards do not", [
                Call("alice", "stake()", [], value=stake),
                Call("deployer", "notifyRewardAmount()", [], value=reward),
                Warp(p.duration // 2),
                Call("attacker", "emergencyWithdraw()", [], reverts=True),
                Call("alice", "emergencyWithdraw()"),
                ExpectEth("alice", 0),
                ExpectView("earned(address)", ["@alice"], 0),
                ExpectView("rewards(address)", ["@alice"], 0),
                ExpectView("totalStaked()", [], 0)]))
        return out
