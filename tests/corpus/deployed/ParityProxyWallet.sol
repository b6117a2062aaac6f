pragma solidity ^0.4.24;

// Wallet code lives once in WalletLibrary; every Wallet is a thin stub that delegates to it.

contract WalletEvents {
  event Confirmation(address owner, bytes32 operation);
  event Revoke(address owner, bytes32 operation);
  event OwnerChanged(address oldOwner, address newOwner);
  event RequirementChanged(uint newRequirement);
  event Deposit(address _from, uint value);
  event SingleTransact(address owner, uint value, address to, bytes data);
  event MultiTransact(address owner, bytes32 operation, uint value, address to, bytes data);
  event ConfirmationNeeded(bytes32 operation, address initiator, uint value, address to, bytes data);
}

contract WalletLibrary is WalletEvents {

  struct PendingState {
    uint yetNeeded;     // confirmations still missing
    uint ownersDone;    // bitmap of owners that confirmed
    uint index;         // position in m_pendingIndex
  }

  struct Transaction {
    address to;
    uint value;
    bytes data;
  }

  // ---- modifiers ----

  modifier onlyowner {
    if (isOwner(msg.sender))
      _;
  }

  // runs the body once enough owners sent the same call (identified by _operation)
  modifier onlymanyowners(bytes32 _operation) {
    if (confirmAndCheck(_operation))
      _;
  }

  // ---- set-up ----

  function initWallet(address[] _owners, uint _required, uint _daylimit) {
    initDaylimit(_daylimit);
    initMultiowned(_owners, _required);
  }

  function initMultiowned(address[] _owners, uint _required) {
    m_numOwners = _owners.length + 1;
    m_owners[1] = uint(msg.sender);
    m_ownerIndex[uint(msg.sender)] = 1;
    for (uint i = 0; i < _owners.length; ++i) {
      m_owners[2 + i] = uint(_owners[i]);
      m_ownerIndex[uint(_owners[i])] = 2 + i;
    }
    m_required = _required;
  }

  function initDaylimit(uint _limit) {
    m_dailyLimit = _limit;
    m_lastDay = today();
  }

  // ---- plain ether in ----

  function() payable {
    if (msg.value > 0)
      Deposit(msg.sender, msg.value);
  }

  // ---- owner management ----

  function revoke(bytes32 _operation) external {
    uint ownerIndex = m_ownerIndex[uint(msg.sender)];
    if (ownerIndex == 0) return;
    uint ownerIndexBit = 2**ownerIndex;
    var pending = m_pending[_operation];
    if (pending.ownersDone & ownerIndexBit > 0) {
      pending.yetNeeded++;
      pending.ownersDone -= ownerIndexBit;
      Revoke(msg.sender, _operation);
    }
  }

  function changeRequirement(uint _newRequired) onlymanyowners(sha3(msg.data)) external {
    if (_newRequired > m_numOwners) return;
    m_required = _newRequired;
    clearPending();
    RequirementChanged(_newRequired);
  }

  function isOwner(address _addr) constant returns (bool) {
    return m_ownerIndex[uint(_addr)] > 0;
  }

  function getOwner(uint ownerIndex) external constant returns (address) {
    return address(m_owners[ownerIndex + 1]);
  }

  function hasConfirmed(bytes32 _operation, address _owner) external constant returns (bool) {
    uint ownerIndex = m_ownerIndex[uint(_owner)];
    if (ownerIndex == 0) return false;
    return (m_pending[_operation].ownersDone & (2**ownerIndex)) != 0;
  }

  // ---- daily limit ----

  function setDailyLimit(uint _newLimit) onlymanyowners(sha3(msg.data)) external {
    m_dailyLimit = _newLimit;
  }

  function resetSpentToday() onlymanyowners(sha3(msg.data)) external {
    m_spentToday = 0;
  }

  // ---- spending ----

  // sends everything left to `_to` and removes the wallet
  function kill(address _to) onlymanyowners(sha3(msg.data)) external {
    suicide(_to);
  }

  // below the daily limit (or with a single required signature) the call goes out at once,
  // otherwise it waits for the other owners under the returned hash
  function execute(address _to, uint _value, bytes _data) external onlyowner returns (bytes32 o_hash) {
    if ((_data.length == 0 && underLimit(_value)) || m_required == 1) {
      if (!_to.call.value(_value)(_data))
        throw;
      SingleTransact(msg.sender, _value, _to, _data);
    } else {
      o_hash = sha3(msg.data, block.number);
      if (m_txs[o_hash].to == 0 && m_txs[o_hash].value == 0 && m_txs[o_hash].data.length == 0) {
        m_txs[o_hash].to = _to;
        m_txs[o_hash].value = _value;
        m_txs[o_hash].data = _data;
      }
      if (!confirm(o_hash)) {
        ConfirmationNeeded(o_hash, msg.sender, _value, _to, _data);
      }
    }
  }

  function confirm(bytes32 _h) onlymanyowners(_h) returns (bool o_success) {
    Transaction storage t = m_txs[_h];
    if (t.to != 0 || t.value != 0 || t.data.length != 0) {
      if (!t.to.call.value(t.value)(t.data))
        throw;
      MultiTransact(msg.sender, _h, t.value, t.to, t.data);
      delete m_txs[_h];
      return true;
    }
  }

  // ---- internals ----

  function confirmAndCheck(bytes32 _operation) internal returns (bool) {
    uint ownerIndex = m_ownerIndex[uint(msg.sender)];
    if (ownerIndex == 0) return;

    var pending = m_pending[_operation];
    if (pending.yetNeeded == 0) {
      // first confirmation of this operation
      pending.yetNeeded = m_required;
      pending.ownersDone = 0;
      pending.index = m_pendingIndex.length++;
      m_pendingIndex[pending.index] = _operation;
    }
    uint ownerIndexBit = 2**ownerIndex;
    if (pending.ownersDone & ownerIndexBit == 0) {
      Confirmation(msg.sender, _operation);
      if (pending.yetNeeded <= 1) {
        delete m_pendingIndex[m_pending[_operation].index];
        delete m_pending[_operation];
        return true;
      } else {
        pending.yetNeeded--;
        pending.ownersDone |= ownerIndexBit;
      }
    }
  }

  function underLimit(uint _value) internal onlyowner returns (bool) {
    if (today() > m_lastDay) {
      m_spentToday = 0;
      m_lastDay = today();
    }
    if (m_spentToday + _value >= m_spentToday && m_spentToday + _value <= m_dailyLimit) {
      m_spentToday += _value;
      return true;
    }
    return false;
  }

  function today() private constant returns (uint) { return now / 1 days; }

  function clearPending() internal {
    uint length = m_pendingIndex.length;
    for (uint i = 0; i < length; ++i) {
      delete m_txs[m_pendingIndex[i]];
      if (m_pendingIndex[i] != 0)
        delete m_pending[m_pendingIndex[i]];
    }
    delete m_pendingIndex;
  }

  // ---- storage (the stub wallet mirrors the first six fields) ----

  uint public m_required;
  uint public m_numOwners;
  uint public m_dailyLimit;
  uint public m_spentToday;
  uint public m_lastDay;
  uint[256] m_owners;

  uint constant c_maxOwners = 250;
  mapping(uint => uint) m_ownerIndex;
  mapping(bytes32 => PendingState) m_pending;
  bytes32[] m_pendingIndex;
  mapping (bytes32 => Transaction) m_txs;
}

contract Wallet is WalletEvents {

  // WALLET CONSTRUCTOR
  //   calls the `initWallet` method of the Library in this context
  constructor(address[] _owners, uint _required, uint _daylimit) public {
    require(_walletLibrary.delegatecall(abi.encodeWithSignature("initWallet(address[],uint256,uint256)", _owners, _required, _daylimit)));
  }

  // METHODS

  // gets called when no other function matches
  function() payable {
    // just being sent some cash?
    if (msg.value > 0)
      Deposit(msg.sender, msg.value);
    else if (msg.data.length > 0)
      _walletLibrary.delegatecall(msg.data);
  }

  // Gets an owner by 0-indexed position (using numOwners as the count)
  function getOwner(uint ownerIndex) constant returns (address) {
    return address(m_owners[ownerIndex + 1]);
  }

  // As return statement unavailable in fallback, explicit the method here

  function hasConfirmed(bytes32 _operation, address _owner) external constant returns (bool) {
    return _walletLibrary.delegatecall(msg.data);
  }

  function isOwner(address _addr) constant returns (bool) {
    return _walletLibrary.delegatecall(msg.data);
  }

  // FIELDS
  address constant _walletLibrary = 0x61C2B8E0D9f4a3B5C7e8D1F20A3b4C5D6E7f8091;

  // the number of owners that must confirm the same operation before it is run.
  uint public m_required;
  // pointer used to find a free slot in m_owners
  uint public m_numOwners;

  uint public m_dailyLimit;
  uint public m_spentToday;
  uint public m_lastDay;

  // list of owners
  uint[256] m_owners;
}
