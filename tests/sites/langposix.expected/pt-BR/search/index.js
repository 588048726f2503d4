vadeSearch.index("pt-BR", {"pages":5,"group":8,"shards":["banana"],"sizes":[556]});
