vadeSearch.index("ar", {"pages":14,"shards":["06","go","seen","العداله","منع"],"sizes":[7856,7867,7883,7865,3105]});
