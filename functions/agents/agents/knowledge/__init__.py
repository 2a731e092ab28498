"""The knowledge base: what happens to a business's document once it lands in the bucket. Its type is read from
the bytes (`detect`), its text extracted page by page within caps (`extract`), structured into a `KnowledgeBase`
(`models`) by Amazon Bedrock (`bedrock`) or by rules (`rules`), and merged with the business's other documents.
Nothing here touches an event, a table or a bucket: the processor's handler does that."""
