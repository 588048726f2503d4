vadeSearch.pages("pt-BR", 1, {"8":{"url":"../step/index.html","title":"Passo","text":"Passo Texto em português (file step.pt_BR.md). Maçã (items.pt_BR.yaml) Banana"}});
