contract TinyLottery {
    address[] public players;
    uint public ticketPrice = 100 finney;
    address public organiser;

    function TinyLottery() { organiser = msg.sender; }

    function buy() payable {
        if (msg.value != ticketPrice) throw;
        players.push(msg.sender);
    }

    function playerCount() constant returns (uint) {
        return players.length;
    }

    function draw() {
        if (msg.sender != organiser || players.length == 0) throw;
        var seed = sha3(block.blockhash(block.number - 1), now, players.length);
        var winner = players[uint(seed) % players.length];
        delete players;
        winner.transfer(this.balance);
    }
}
