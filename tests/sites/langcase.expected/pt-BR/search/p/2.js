vadeSearch.page("pt-BR", 2, {"url":"../step/index.html","title":"Passo","text":"Passo Texto em português (file step.pt-br.md). Maçã (items.pt-br.yaml) Banana"});
